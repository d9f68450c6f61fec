import BasculeServer
import Foundation
import Logging

/// Writes a line at once: `print` is block-buffered when stdout is a file or a pipe, and the
/// lines of `serve` (where it listens, what the demo added) must reach a log before any request.
enum Console {
    /// Set by `serve` under BASCULE_LOG_FORMAT=json: its lines become JSON log lines too.
    nonisolated(unsafe) static var json = false

    static func say(_ line: String) {
        let text = json ? JSONLogHandler.line(.init(level: .info, message: "\(line)", metadata: nil, source: "bascule", file: #fileID, function: #function, line: #line), label: "bascule", metadata: [:]) : line
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
