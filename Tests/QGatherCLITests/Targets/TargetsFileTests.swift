import Foundation
@testable import QGatherCLI
import Testing

@Suite struct TargetsFileTests {
    @Test func linesGiveLabelsPathsConninfosAndURIs() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("fleet.txt", """
            # tenants and shards
            eu\ttenants/eu.db

            /abs/us.db
            host=a dbname=app
            shard2 host=b port=5433 dbname=app
            r1 postgresql://r1/app
            memory :memory:
            """)
        let targets = try TargetsFile.read(file)
        #expect(targets == [
            LabelledTarget(givenLabel: "eu", target: .sqlite(dir.path("tenants/eu.db")), origin: "\(file):2"),
            LabelledTarget(givenLabel: nil, target: .sqlite("/abs/us.db"), origin: "\(file):4"),
            LabelledTarget(givenLabel: nil, target: .postgres("host=a dbname=app"), origin: "\(file):5"),
            LabelledTarget(givenLabel: "shard2", target: .postgres("host=b port=5433 dbname=app"), origin: "\(file):6"),
            LabelledTarget(givenLabel: "r1", target: .postgres("postgresql://r1/app"), origin: "\(file):7"),
            LabelledTarget(givenLabel: "memory", target: .sqlite(":memory:"), origin: "\(file):8"),
        ])
    }

    @Test func pathsHoldingAnEqualsSignStayPaths() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("fleet.txt", "eu /data/dt=2024-01/app.db\n./tenant=eu.db\n")
        let targets = try TargetsFile.read(file)
        #expect(targets.map(\.target) == [.sqlite("/data/dt=2024-01/app.db"), .sqlite(dir.path("./tenant=eu.db"))])
        #expect(targets.map(\.givenLabel) == ["eu", nil])
    }

    @Test func aFileWithoutTargetsIsAnError() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("empty.txt", "# none\n\n")
        #expect(throws: TargetsFile.Failure.self) { try TargetsFile.read(file) }
    }
}
