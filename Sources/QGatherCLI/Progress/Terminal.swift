import Foundation

/// What the process knows about the terminal behind a file descriptor.
struct Terminal: Sendable {
    /// The file descriptor (2 = stderr).
    let descriptor: Int32
    /// The process environment, for `NO_COLOR` and `TERM`.
    let environment: [String: String]

    /// The terminal facts of `descriptor` in this process's environment.
    init(descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.descriptor = descriptor
        self.environment = environment
    }

    /// Whether the descriptor is a terminal (`isatty`).
    var isTerminal: Bool { isatty(descriptor) == 1 }

    /// Whether output may be coloured: a terminal, `NO_COLOR` unset or empty (no-color.org),
    /// and `TERM` not `dumb`.
    var allowsColor: Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// The terminal's width in columns, read now (it changes when the window is resized);
    /// `nil` if the descriptor is not a terminal.
    var columns: Int? {
        guard isTerminal else { return nil }
        var size = winsize()
        #if os(Linux)
        let request = UInt(TIOCGWINSZ)
        #else
        let request: UInt = 0x4008_7468  // Darwin's TIOCGWINSZ, _IOR('t', 104, struct winsize)
        #endif
        if ioctl(descriptor, request, &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return environment["COLUMNS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 80
    }

    /// The width to lay a chart out in: the terminal's, or 80 when not a terminal.
    var layoutWidth: Int { columns ?? 80 }
}
