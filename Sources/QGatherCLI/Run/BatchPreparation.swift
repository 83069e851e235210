import QGather

/// Turns the files' texts into a batch ready to run under one reading of `'...'` strings:
/// split, checked (session statements in a parallel batch, placeholders without a value) and
/// given its sink. Nothing is printed here: the caller decides which reading is final.
struct BatchPreparation {
    /// A batch that can run, its sink, and the warnings to show once.
    struct Prepared {
        var batch: Batch
        var sink: any OutcomeSink
        var warnings: [String]
    }

    /// Why the files cannot run as asked: one line for stderr; the run exits 2.
    struct Failure: Error {
        let message: String
    }

    let scripts: [ScriptSource]
    let dialect: SQLDialect
    let options: RunOptions
    let output: OutputOptions

    /// The batch as a session whose `standard_conforming_strings` is `standardConformingStrings`
    /// reads it (`onReset`: its value after `RESET`, nil when unknown).
    func prepare(standardConformingStrings: Bool, onReset: Bool?) -> Result<Prepared, Failure> {
        Result { () throws(Failure) in
            var batch: Batch
            do {
                batch = try ScriptLoader.split(scripts, dialect: dialect, standardConformingStrings: standardConformingStrings,
                                               standardConformingStringsOnReset: onReset)
            } catch {
                throw Failure(message: String(describing: error))
            }
            if batch.count == 0 { throw Failure(message: "\(scripts.map(\.path).joined(separator: ", ")): no SQL statements to run") }
            let warnings = try check(&batch)
            return Prepared(batch: batch, sink: try sink(for: batch), warnings: warnings)
        }
    }

    /// Refuses session statements in a parallel batch and placeholders without a value; binds
    /// the `--param` values and returns a warning for each one no query uses.
    private func check(_ batch: inout Batch) throws(Failure) -> [String] {
        if !options.serial {
            var first: (index: Int, statement: String)?
            batch.queries.forEachSQL { index, sql in
                guard first == nil, let statement = StatementKind.sessionStatement(utf8: sql, dialect: dialect) else { return }
                first = (index, statement)
            }
            if let (index, statement) = first {
                let query = batch.queries[index]
                throw Failure(message: "\(query.file):\(query.line): \(query.name): \(statement) would apply to one random connection "
                    + "of a parallel batch; use --init for per-connection settings or --serial to run the file in order on one connection")
            }
        }
        do {
            let unused = try batch.bind(ParameterArguments.values(options.params, dialect: dialect), dialect: dialect)
            return unused.sorted().map { "warning: --param \($0) is not used by any query" }
        } catch {
            throw Failure(message: error.description)
        }
    }

    /// Where the outcomes go: `--out-dir` (its files checked now) or standard output.
    private func sink(for batch: Batch) throws(Failure) -> any OutcomeSink {
        guard let outDir = output.outDir else { return StdoutSink(formatter: output.format.makeFormatter(output.formatOptions)) }
        do {
            return try OutDirWriter.prepare(batch: batch, directory: outDir, format: output.format,
                                            options: output.formatOptions, force: output.force)
        } catch {
            throw Failure(message: error.description)
        }
    }
}
