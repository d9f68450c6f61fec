/// What a command says when it cannot do what was asked: one line, and a non-zero exit.
enum CLIError: Error, CustomStringConvertible {
    case invalidOption(String)
    case serverUnreachable(String)
    case refused(status: Int, detail: String, fields: [String])
    case unexpectedAnswer(Int)
    case store(String)

    var description: String {
        switch self {
        case .invalidOption(let message): return message
        case .serverUnreachable(let server):
            return "cannot reach the Bascule server at \(server): is `bascule serve` running? (set --server or BASCULE_SERVER)"
        case .refused(let status, let detail, let fields):
            // The detail often already lists the fields; say each thing once.
            return (["\(status) \(detail)"] + fields.filter { !detail.contains($0) }).joined(separator: "; ")
        case .unexpectedAnswer(let status): return "the server answered an unexpected status \(status)"
        case .store(let message): return message
        }
    }
}
