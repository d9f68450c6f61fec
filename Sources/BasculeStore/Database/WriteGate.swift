/// Lets one SQLite write transaction run at a time in this process. SQLite has a single
/// writer; left to its busy handler, waiting writers would each hold a thread of the blocking
/// pool while they wait, and with as many waiters as threads the writer holding the lock could
/// never commit. Here they wait as suspended tasks instead, in arrival order.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
