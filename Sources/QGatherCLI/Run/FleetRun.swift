import ArgumentParser
import QGather

/// A run on several targets: fan-out (every query on every target, rows merged per query) or,
/// with `--spread`, every query once on whichever copy has a free connection.
struct FleetRun {
    let targets: [LabelledTarget]
    let scripts: [ScriptSource]
    let options: RunOptions
    let output: OutputOptions

    /// `--jobs` by default: one per core when every target is SQLite (the work is local);
    /// otherwise `--per-target` for each target, up to 64 (the servers do the work).
    static func defaultJobs(targets: [LabelledTarget], perTarget: Int) -> Int {
        if targets.allSatisfy({ $0.target.dialect == .sqlite }) { return Database.defaultMaxConnections(for: .sqlite) }
        return min(64, perTarget * targets.count)
    }

    func run() async throws {
        // A target never has more queries at work than connections (--pool-size), or they would
        // hold slots while they wait for one of its connections.
        let perTarget = min(options.perTarget ?? FleetOptions.defaultPerTarget, options.poolSize ?? .max)
        let gatherOptions = options.gatherOptions(defaultJobs: Self.defaultJobs(targets: targets, perTarget: perTarget))
        let fleet = DatabaseFleet(try makeMembers(poolSize: options.poolSize ?? min(perTarget, gatherOptions.jobs)))
        let dialects = Set(targets.map(\.target.dialect))
        if options.spread, dialects.count > 1 {
            await fleet.close()
            throw usageFailure("--spread runs on copies of one database; these targets mix SQLite and PostgreSQL")
        }
        let prepared: PreparedBatches
        do {
            prepared = try prepare(dialects: dialects, reference: targets[0].target.dialect)
        } catch {
            await fleet.close()
            throw usageFailure(error.message)
        }
        if options.spread, let refusal = SpreadGatherer.refusal(of: prepared.reference.batch, dialect: targets[0].target.dialect, options: gatherOptions) {
            await fleet.close()
            throw usageFailure(refusal)
        }
        prepared.reference.warnings.forEach(StandardError.fail)
        let batch = prepared.reference.batch
        var fleetOptions = FleetOptions(mode: options.spread ? .spread : .fanOut, gather: gatherOptions, perTarget: perTarget, keepsTargetRows: false)
        let runner = BatchRunner(progress: !output.quiet && Terminal(descriptor: 2).isTerminal, timing: output.timing, timingJSON: output.timingJson)
        let provider = prepared.provider
        let status = await runner.run(batch, options: gatherOptions, into: prepared.reference.sink,
                                      runs: options.spread ? batch.count : batch.count * fleet.members.count,
                                      targets: fleet.members.count) { gather, _ in
            fleetOptions.gather = gather
            return fleet.outcomes(batch, options: fleetOptions, provider: provider)
        }
        await fleet.close()
        if status == ExitStatus.stdoutClosed { ExitStatus.stopBySIGPIPE() }
        if status != ExitStatus.ok { throw status }
    }

    /// Each target's database, labelled; a target that cannot be described (a bad conninfo) exits 2.
    private func makeMembers(poolSize: Int) throws -> [FleetMember] {
        var members: [FleetMember] = []
        for target in targets {
            do {
                let database = try DatabaseFactory.make(target.target, poolSize: poolSize, readOnly: options.readOnly, initSQL: options.initSQL)
                members.append(FleetMember(label: target.givenLabel ?? database.label, database: database))
            } catch {
                throw usageFailure((target.origin.map { $0 + ": " } ?? "") + error.description)
            }
        }
        return members
    }

    /// The batch as each dialect (and, for PostgreSQL, each reading of `'...'` strings) splits it.
    struct PreparedBatches {
        var reference: BatchPreparation.Prepared
        var sqlite: Batch?
        /// PostgreSQL's batch by the session's `standard_conforming_strings`; a failure to split
        /// one way is kept as its message, for the targets whose server reads strings that way.
        var postgres: [Bool: Result<Batch, BatchPreparation.Failure>] = [:]

        /// Gives each member the batch its dialect and its server's reading of strings split.
        var provider: FanOutGatherer.BatchProvider {
            let sqlite = sqlite
            let postgres = postgres
            return { _, database in
                guard database.dialect == .postgres else { return sqlite.map { .success($0) } ?? .failure(QueryError(kind: .database, code: .internal, message: "no SQLite batch")) }
                let reading: Bool
                do {
                    reading = try await database.standardConformingStrings()
                } catch {
                    return .failure(QueryError(kind: .connectionLost, code: .connect, message: "\(error)"))
                }
                switch postgres[reading] {
                case .success(let batch): return .success(batch)
                case .failure(let failure): return .failure(QueryError(kind: .database, code: .internal, message: failure.message))
                case nil: return .failure(QueryError(kind: .database, code: .internal, message: "no PostgreSQL batch"))
                }
            }
        }
    }

    /// Splits and checks the batch for every dialect among the targets. The reference reading
    /// (the first target's dialect, strings as `--init` leaves them) must succeed, and every
    /// dialect must split into as many statements.
    private func prepare(dialects: Set<SQLDialect>, reference: SQLDialect) throws(BatchPreparation.Failure) -> PreparedBatches {
        func preparation(_ dialect: SQLDialect) -> BatchPreparation {
            BatchPreparation(scripts: scripts, dialect: dialect, options: options, output: output)
        }
        let assumed = options.initialStandardConformingStrings(dialect: reference)
        let first = try preparation(reference).prepare(standardConformingStrings: assumed, onReset: options.standardConformingStringsOnReset(assumed)).get()
        var result = PreparedBatches(reference: first)
        if dialects.contains(.sqlite) {
            result.sqlite = reference == .sqlite ? first.batch
                : try preparation(.sqlite).prepare(standardConformingStrings: true, onReset: true).get().batch
        }
        if dialects.contains(.postgres) {
            for reading in [true, false] {
                let prepared = preparation(.postgres).prepare(standardConformingStrings: reading, onReset: options.standardConformingStringsOnReset(reading))
                result.postgres[reading] = prepared.map(\.batch)
            }
            if reference == .sqlite, case .failure(let failure) = result.postgres[options.initialStandardConformingStrings(dialect: .postgres)]! {
                throw failure
            }
        }
        let counts = [result.sqlite?.count] + result.postgres.values.map { try? $0.get().count }
        for count in counts.compactMap({ $0 }) where count != first.batch.count {
            throw BatchPreparation.Failure(message: "\(scripts.map(\.path).joined(separator: ", ")): splits into \(first.batch.count) statements as "
                + "\(reference == .sqlite ? "SQLite" : "PostgreSQL") but \(count) as \(reference == .sqlite ? "PostgreSQL" : "SQLite"); "
                + "targets of both engines need a batch that splits alike")
        }
        return result
    }

    private func usageFailure(_ message: String) -> ExitCode {
        StandardError.fail(message)
        return ExitStatus.usage
    }
}
