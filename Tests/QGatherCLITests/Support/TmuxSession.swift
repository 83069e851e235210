import Foundation
import Testing

/// A detached tmux session of a known size on a private tmux server: a real terminal for tests
/// of what qgather draws on one. Needs tmux (CI installs it); without it the test fails.
final class TmuxSession {
    /// The private server's socket name (`tmux -L`), unique per session.
    let socket = "qgather-test-" + UUID().uuidString.prefix(8).lowercased()
    private let tmux: String

    /// Starts `arguments` (qgather's, run from the package root) in a `width` x `height` pane.
    /// `redirect` is appended to the command line (`2>file`, `>/dev/null`); `environment` is
    /// set and `NO_COLOR` unset unless given. After the command the pane prints `[exit N]` and stays.
    init(width: Int, height: Int, arguments: [String], redirect: String = "", environment: [String: String] = [:]) throws {
        tmux = try #require(["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) },
                            "tmux is not installed: the terminal tests need it (apt-get install tmux)")
        var env = "env -u NO_COLOR TERM=xterm-256color"
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { env += " " + TmuxSession.quote("\(key)=\(value)") }
        let command = "cd \(TmuxSession.quote(CLIRunner.packageRoot.path)) && \(env) "
            + ([CLIRunner.binary] + arguments).map(TmuxSession.quote).joined(separator: " ")
            + " \(redirect); echo \"[exit $?]\"; exec sleep 600"  // the pane stays until the test ends
        let started = try run(["-f", "/dev/null", "new-session", "-d", "-x", String(width), "-y", String(height), "-s", "t", command])
        #expect(started.status == 0, "tmux new-session failed: \(started.output)")
    }

    /// The visible pane, one string per line, trailing blanks trimmed; with `escapes`, the
    /// colours and attributes as escape sequences (`capture-pane -e`).
    func capture(escapes: Bool = false) throws -> [String] {
        let result = try run(["capture-pane", "-p", "-t", "t"] + (escapes ? ["-e"] : []))
        return result.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The visible pane for failure messages (empty if tmux cannot be asked).
    var screen: [String] { (try? capture()) ?? [] }

    /// Polls the pane every 50 ms until `condition` holds (returns that screen) or `timeout`
    /// seconds pass (returns nil).
    func waitFor(timeout: Double = 30, escapes: Bool = false, _ condition: ([String]) -> Bool) async throws -> [String]? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let screen = try capture(escapes: escapes)
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(50))
        } while Date() < deadline
        return nil
    }

    /// Waits for the command to end and returns its exit status and the final screen.
    func waitForExit(timeout: Double = 60) async throws -> (status: Int?, screen: [String]) {
        let screen = try await waitFor(timeout: timeout) { $0.contains { $0.hasPrefix("[exit ") } } ?? capture()
        let line = screen.first { $0.hasPrefix("[exit ") }
        return (line.flatMap { Int($0.dropFirst(6).dropLast()) }, screen)
    }

    /// Ends the pane's processes (a command still running after a failed test, or the final
    /// `sleep`) with SIGTERM to the pane's process group, then stops this session's tmux server
    /// and removes its socket.
    deinit {
        let info = (try? run(["display-message", "-p", "-t", "t", "#{pane_pid} #{socket_path}"]).output) ?? ""
        let fields = info.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ", maxSplits: 1).map(String.init)
        if let pid = fields.first.flatMap({ Int32($0) }), pid > 1 { kill(-pid, SIGTERM) }
        _ = try? run(["kill-server"])
        if fields.count == 2, fields[1].hasSuffix("/" + socket) { try? FileManager.default.removeItem(atPath: fields[1]) }
    }

    /// Runs tmux with `arguments` on this session's server and returns its status and output.
    ///
    /// Spawned directly and reaped with `waitpid`, not through `Process`: the server that
    /// `new-session` forks inherits the client's descriptors, and would hold open any pipe or
    /// the socket `Process` watches to notice the client's exit, so neither would ever report it.
    /// Signals are unblocked and reset to their defaults for tmux and, through it, for the panes.
    @discardableResult
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else is inherited: the server would keep open, for as long as it runs, the
        // pipes of other tests' children (a held psql then never saw the end of its input).
        for descriptor in Self.openDescriptors() where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil  // a test run inside tmux still gets its own server
        let argv = ([tmux, "-L", socket] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // The calling thread may block or ignore signals (dispatch threads block most); the tmux
        // server and the panes' processes must get them (kill-server, SIGTERM), so reset both.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, &attributes, argv, envp)
        try #require(spawned == 0, "cannot run \(tmux): error \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// This process's open file descriptors.
    private static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }  // without /proc nothing is closed, as before
    }

    /// `text` quoted for the shell.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
