import SkeinCore

/// Everything one batch writes besides envelopes, each once: one span record and one summary
/// part per trace, one posting per (subject, start minute) listing the batch's traces that have
/// it, and the services and operations it names. Grouping is what keeps RocksDB puts per span
/// low: a batch of 200 spans in 17 traces writes 17 span records, not 200, and one posting for
/// `http.request.method=GET`, not one per trace (BENCHMARKS.md).
struct IndexPlan {
    /// What a posting is about. Services are indexes into `serviceNames`, so hashing a subject
    /// hashes at most the attribute's strings.
    enum Subject: Hashable {
        case allServices
        case service(Int)
        case operation(Int, SpanKind, String)
        case attribute(Int, IndexedAttribute)
    }

    struct PostingKey: Hashable {
        var subject: Subject
        var minute: UInt64
    }

    /// The spans of one trace in this batch.
    struct TraceRecord {
        var members: [(spanID: UInt64, envelopeReference: UInt64, span: [UInt8])] = []
        /// Order-independent hash of the (span ID, envelope) pairs: the record's key component.
        var group: UInt64 = 0
        var summary = TraceSummaryPart()
    }

    private(set) var serviceNames: [String] = []
    private(set) var postings: [(key: PostingKey, posting: Posting)] = []
    private(set) var traces: [TraceID: TraceRecord] = [:]
    /// Distinct envelopes by reference, in order of first appearance.
    private(set) var envelopes: [(reference: UInt64, bytes: [UInt8])] = []
    /// A hash of every span ID in the batch; the last component of its index keys.
    private(set) var batchID: UInt32 = 0
    private var positions: [PostingKey: Int] = [:]
    private var operations: [Int: Set<StoredOperation>] = [:]

    init(_ batch: SpanBatch) {
        var serviceIndexes: [String: Int] = [:]
        var envelopeReferences = Set<UInt64>()
        var batchHash: UInt64 = 0
        for group in batch.groups {
            let service: Int
            if let known = serviceIndexes[group.serviceName] {
                service = known
            } else {
                service = serviceNames.count
                serviceIndexes[group.serviceName] = service
                serviceNames.append(group.serviceName)
            }
            let reference = KeyLayout.envelopeReference(group.encodedResourceScope)
            if envelopeReferences.insert(reference).inserted { envelopes.append((reference, group.encodedResourceScope)) }
            // Resource attributes hold for every span of the group: their postings get the
            // group's traces once, at the end, instead of an update per span.
            var groupPostings: [UInt64: Posting] = [:]
            for span in group.spans {
                let minute = span.startNanos / 60_000_000_000
                let traceID = span.traceID
                add(.allServices, minute, traceID, span)
                add(.service(service), minute, traceID, span)
                add(.operation(service, span.kind, span.name), minute, traceID, span)
                for attribute in span.attributes { add(.attribute(service, attribute), minute, traceID, span) }
                if !group.resourceAttributes.isEmpty { groupPostings[minute, default: Posting()].add(traceID, span) }

                let memberHash = KeyLayout.mix64(span.spanID.value ^ KeyLayout.mix64(reference))
                batchHash = batchHash &+ KeyLayout.mix64(memberHash ^ traceID.low ^ traceID.high)
                traces[traceID, default: TraceRecord()].add(span, reference: reference, service: group.serviceName, hash: memberHash)
                operations[service, default: []].insert(StoredOperation(name: span.name, kind: span.kind))
            }
            for (minute, posting) in groupPostings {
                for attribute in group.resourceAttributes { merge(.attribute(service, attribute), minute, posting) }
            }
        }
        batchID = UInt32(truncatingIfNeeded: batchHash ^ (batchHash >> 32))
    }

    private mutating func add(_ subject: Subject, _ minute: UInt64, _ traceID: TraceID, _ span: BatchSpan) {
        let key = PostingKey(subject: subject, minute: minute)
        if let position = positions[key] {
            postings[position].posting.add(traceID, span)
        } else {
            positions[key] = postings.count
            var posting = Posting()
            posting.add(traceID, span)
            postings.append((key, posting))
        }
    }

    private mutating func merge(_ subject: Subject, _ minute: UInt64, _ posting: Posting) {
        let key = PostingKey(subject: subject, minute: minute)
        if let position = positions[key] {
            postings[position].posting.merge(posting)
        } else {
            positions[key] = postings.count
            postings.append((key, posting))
        }
    }

    /// The key prefix of a posting's subject.
    func prefix(_ subject: Subject, _ tenant: Tenant) -> [UInt8] {
        switch subject {
        case .allServices: KeyLayout.allServicesIndexPrefix(tenant)
        case .service(let service): KeyLayout.serviceIndexPrefix(tenant, serviceNames[service])
        case .operation(let service, let kind, let name): KeyLayout.operationIndexPrefix(tenant, serviceNames[service], kind, name)
        case .attribute(let service, let attribute):
            KeyLayout.attributeIndexPrefix(tenant, serviceNames[service], attribute.key, attribute.value)
        }
    }

    /// The meta keys naming the batch's services and operations.
    func metaKeys(_ tenant: Tenant) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        for (service, names) in operations.sorted(by: { $0.key < $1.key }) {
            keys.append(KeyLayout.service(tenant, serviceNames[service]))
            for operation in names { keys.append(KeyLayout.operation(tenant, serviceNames[service], operation.name, operation.kind)) }
        }
        return keys
    }
}

extension IndexPlan.TraceRecord {
    mutating func add(_ span: BatchSpan, reference: UInt64, service: String, hash: UInt64) {
        members.append((span.spanID.value, reference, span.encodedSpan))
        group = group &+ hash
        summary.add(span, service: service)
    }
}

extension Posting {
    /// Adds another posting's traces (the same subject and minute, from another resource group).
    mutating func merge(_ other: Posting) {
        for trace in other.traces {
            if let index = traces.firstIndex(where: { $0.traceID == trace.traceID }) {
                traces[index].earliestStartNanos = min(traces[index].earliestStartNanos, trace.earliestStartNanos)
                traces[index].latestStartNanos = max(traces[index].latestStartNanos, trace.latestStartNanos)
                traces[index].minDurationNanos = min(traces[index].minDurationNanos, trace.minDurationNanos)
                traces[index].maxDurationNanos = max(traces[index].maxDurationNanos, trace.maxDurationNanos)
            } else {
                traces.append(trace)
            }
        }
    }
}
