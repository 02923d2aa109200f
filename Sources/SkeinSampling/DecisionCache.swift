import SkeinCore

/// Which trace a decision is about.
struct TraceKey: Hashable, Sendable {
    var tenant: Tenant
    var traceID: TraceID
}

/// What late spans of a decided trace need to know.
struct CachedDecision: Sendable, Equatable {
    var kept: Bool
    var inclusion: Inclusion
}

/// The most recent decisions, so spans arriving after their trace was decided follow it.
/// Bounded: beyond `capacity` the oldest decision is forgotten (its trace's later spans then
/// start a new held trace). About 100 bytes an entry.
struct DecisionCache {
    let capacity: Int
    private var decisions: [TraceKey: CachedDecision] = [:]
    /// Keys in the order they were recorded; once full, slot `next` holds the oldest.
    private var ring: [TraceKey] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        decisions.reserveCapacity(min(self.capacity, 1 << 20))
    }

    var count: Int { decisions.count }

    subscript(key: TraceKey) -> CachedDecision? { decisions[key] }

    mutating func record(_ decision: CachedDecision, for key: TraceKey) {
        guard capacity > 0 else { return }
        if decisions.updateValue(decision, forKey: key) != nil { return }
        if ring.count < capacity {
            ring.append(key)
        } else {
            decisions.removeValue(forKey: ring[next])
            ring[next] = key
            next = (next + 1) % capacity
        }
    }
}

/// A first-in, first-out queue that reuses its array: popping moves an index, and the consumed
/// front is cut off once it is half of the storage.
struct FIFOQueue<Element> {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }
    var first: Element? { isEmpty ? nil : items[head] }

    mutating func append(_ element: Element) { items.append(element) }

    mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        defer {
            head += 1
            if head > 1024, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
        }
        return items[head]
    }
}
