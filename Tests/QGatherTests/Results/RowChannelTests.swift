@testable import QGather
import Testing

/// A query's row channel lives as long as the batch; what it keeps after its query ends must not
/// grow with the batch.
@Suite struct RowChannelTests {
    @Test func finishedChannelStillReportsThatItStartedButHoldsNoRows() {
        let channel = RowChannel(query: Query("SELECT 1 AS n"))
        #expect(!channel.hasStarted)
        channel.start(columns: [Column(name: "n", type: "INTEGER")], realRendering: .sqlite)
        #expect(channel.hasStarted)
        let (rows, streamed) = channel.finish()
        #expect(rows.isEmpty && streamed == 0)
        #expect(channel.hasStarted, "a retry must still see that rows may have reached the output")
        let again = channel.finish()
        #expect(again.rows.isEmpty)
    }
}
