/// Writes that arrive while one is being written wait together and go in the next
/// transaction, up to `limit` at a time: a transaction's fixed costs (taking the write lock,
/// the commit and its flush to disk) are paid once per batch instead of once per write, and
/// a statement can carry the rows of many writes. Each caller is answered with its own item's
/// answer once its batch has been written. An idle queue writes a lone item at once.
actor GroupCommit<Item: Sendable, Answer: Sendable> {
    private var queue: [(item: Item, answer: CheckedContinuation<Answer, Never>)] = []
    private var writing = false
    private let limit: Int
    private let write: @Sendable ([Item]) async -> [Answer]

    /// `write` answers each item of a batch, in order, and never throws: a batch that could not
    /// be written says so in each answer.
    init(limit: Int, write: @escaping @Sendable ([Item]) async -> [Answer]) {
        precondition(limit > 0)
        self.limit = limit
        self.write = write
    }

    /// How many items wait for the next batch.
    var queued: Int { queue.count }

    func submit(_ item: Item) async -> Answer {
        await withCheckedContinuation { answer in
            queue.append((item, answer))
            guard !writing else { return }
            writing = true
            Task { await self.drain() }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(limit))
            queue.removeFirst(batch.count)
            let answers = await write(batch.map(\.item))
            precondition(answers.count == batch.count, "a batch answers each of its items")
            for (waiting, answer) in zip(batch, answers) { waiting.answer.resume(returning: answer) }
        }
        writing = false
    }
}

