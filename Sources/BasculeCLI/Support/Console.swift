import Foundation

/// Writes a line at once: `print` is block-buffered when stdout is a file or a pipe, and the
/// lines of `serve` (where it listens, what the demo added) must reach a log before any request.
enum Console {
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
