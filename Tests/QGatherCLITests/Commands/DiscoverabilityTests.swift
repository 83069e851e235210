import Foundation
import Testing

/// `--version`, `--help` examples and shell completion scripts.
@Suite struct DiscoverabilityTests {
    @Test func versionPrintsNameAndVersion() async throws {
        let result = try await CLIRunner.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.wholeMatch(of: /qgather \d+\.\d+\.\d+\n/) != nil, "\(result.stdout)")
    }

    @Test func runHelpShowsExamplesForEveryCommonTask() async throws {
        let result = try await CLIRunner.run(["help", "run"])
        #expect(result.status == 0)
        let examples = result.stdout.split(separator: "\n").filter { $0.hasPrefix("    qgather ") || $0.hasPrefix("    cat ") }
        for example in ["--list SampleData/dashboard.sql", "--format csv --quiet", "--out-dir reports", "--format markdown --null NULL",
                        "--no-header", "--timing --timing-json timings.json", "--keep-going --timeout 30s", "--pg ", "cat batch.sql | qgather -"] {
            #expect(examples.contains { $0.contains(example) }, "no example line with \(example)")
        }
        for option in ["--quiet", "--timing-json", "--out-dir", "--force", "--no-header", "--null", "--list", "markdown"] {
            #expect(result.stdout.contains(option), "\(option) is not documented")
        }
    }

    @Test func rootHelpShowsExamplesAndCompletions() async throws {
        let result = try await CLIRunner.run(["--help"])
        #expect(result.status == 0)
        for text in ["qgather --list ", "--out-dir reports", "--timing", "qgather migrate", "--generate-completion-script bash|zsh|fish"] {
            #expect(result.stdout.contains(text), "\(text) missing from --help")
        }
    }

    @Test func completionScriptsForBashZshAndFish() async throws {
        for (shell, marker) in [("bash", "complete -"), ("zsh", "#compdef qgather"), ("fish", "complete -c 'qgather'")] {
            let result = try await CLIRunner.run(["--generate-completion-script", shell])
            #expect(result.status == 0, "\(shell): \(result.stderr)")
            #expect(result.stdout.contains(marker), "\(shell)")
            for option in ["--out-dir", "--timing-json", "--format", "migrate"] {
                #expect(result.stdout.contains(option.hasPrefix("--") && shell == "fish" ? String(option.dropFirst(2)) : option), "\(shell): \(option)")
            }
            #expect(result.stdout.contains("markdown"), "\(shell) completes --format values")
        }
    }
}
