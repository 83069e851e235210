import Foundation

/// A real reader of JUnit reports: `junitparser` from PyPI, in a virtual environment made once
/// per machine (under the temporary directory, behind a lock), waited for off the cooperative pool.
/// Tests that need it fail (the error is thrown), never skip, when it cannot be installed.
enum JUnitConsumer {
    static let venv = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-junitparser-venv").path

    /// A failure to install or run junitparser.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the report at `path` with junitparser and returns what it understood, one line per
    /// test case: `classname|name|time|result type|message`, after a first line of suite totals.
    static func read(_ path: String) async throws -> [String] {
        let install = "[ -x '\(venv)/bin/python' ] && '\(venv)/bin/python' -c 'import junitparser' 2>/dev/null || "
            + "{ rm -rf '\(venv)' && python3 -m venv '\(venv)' && '\(venv)/bin/pip' install -q junitparser; }"
        let setup = try await CLIRunner.tool("/usr/bin/flock", ["/tmp/qgather-junitparser.lock", "/bin/sh", "-c", install])
        guard setup.status == 0 else { throw Failure(description: "could not install junitparser from PyPI into \(venv)") }
        let script = """
            import sys
            from junitparser import JUnitXml, Failure, Error, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            print(f"tests={xml.tests} failures={xml.failures} errors={xml.errors} skipped={xml.skipped}")
            for suite in xml:
                for case in suite:
                    kinds = [(type(r).__name__, r.message or "") for r in case.result]
                    kind, message = kinds[0] if kinds else ("Passed", "")
                    print(f"{case.classname}|{case.name}|{case.time:.3f}|{kind}|{message}")
            """
        let result = try await CLIRunner.tool(venv + "/bin/python", ["-c", script, path])
        guard result.status == 0 else { throw Failure(description: "junitparser could not read \(path)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }
}
