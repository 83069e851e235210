import Foundation

/// Notices that standard output's reader went away (`qgather ... | head` after `head` exits)
/// while nothing is being written: a pipe or socket whose other end is closed reports an error
/// to `poll(2)`. A run then cancels its queries in the database at once, instead of leaving a
/// long query running until its result fails to be written.
///
/// The wait blocks in `poll`, so it has a thread of its own (never the cooperative pool); it
/// lives until the process exits. Files and terminals have no reader to lose: nothing is watched.
enum StdoutWatcher {
    /// Starts watching descriptor 1 if it is a pipe or a socket; `onClosed` runs once, on the watcher's thread.
    static func start(onClosed: @escaping @Sendable () -> Void) {
        var status = stat()
        guard fstat(1, &status) == 0 else { return }
        let type = status.st_mode & S_IFMT
        guard type == S_IFIFO || type == S_IFSOCK else { return }
        let thread = Thread {
            #if canImport(Darwin)
            let events = Int16(POLLHUP)  // Darwin's poll watches a descriptor only for the events asked for
            #else
            let events: Int16 = 0  // Linux always reports POLLERR and POLLHUP
            #endif
            var entry = pollfd(fd: 1, events: events, revents: 0)
            while true {
                let ready = poll(&entry, 1, -1)
                if ready < 0 && errno == EINTR { continue }
                if ready < 0 || entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { break }
            }
            onClosed()
        }
        thread.name = "qgather.stdout-watcher"
        thread.start()
    }
}
