import SkeinCore

extension SamplingStage {
    /// `GET /api/v1/sampling`: the configuration in force, what the tail buffer holds now, and
    /// the counters since startup.
    package func statusJSON() -> [UInt8] {
        Self.statusJSON(configuration: configuration, counters: counters.snapshot, buffer: tail?.bufferStatus)
    }

    /// The same document for a server without a sampling stage (everything is kept).
    package static func statusJSON(configuration: SamplingConfiguration) -> [UInt8] {
        statusJSON(configuration: configuration, counters: SamplingCounters.Snapshot(), buffer: nil)
    }

    static func statusJSON(configuration: SamplingConfiguration, counters: SamplingCounters.Snapshot,
                           buffer: (traces: Int, spans: Int, bytes: Int, cachedDecisions: Int, unwrittenBytes: Int)?) -> [UInt8] {
        var json = JSONWriter(capacity: 1_024)
        json.object { json in
            json.key("head")
            json.object { json in
                json.key("enabled"); json.value(configuration.head.isActive)
                json.key("defaultRate"); json.value(configuration.head.defaultRate)
                json.key("serviceRates")
                json.object { json in
                    for (service, rate) in configuration.head.serviceRates.sorted(by: { $0.key < $1.key }) {
                        json.key(service); json.value(rate)
                    }
                }
            }
            json.key("tail")
            json.object { json in
                let tail = configuration.tail
                json.key("enabled"); json.value(tail.enabled)
                json.key("decisionWait"); json.value(GoDuration.format(nanos: Int64(tail.decisionWaitNanos)))
                json.key("maxTraces"); json.value(tail.maxTraces)
                json.key("maxBytes"); json.value(tail.maxBytes)
                json.key("decisionCacheSize"); json.value(tail.decisionCacheSize)
                json.key("policies")
                json.array { json in
                    for policy in tail.policies {
                        json.object { json in
                            json.key("name"); json.value(policy.name)
                            json.key("type"); json.value(policy.rule.typeName)
                        }
                    }
                }
                json.key("tracesHeld"); json.value(buffer?.traces ?? 0)
                json.key("spansHeld"); json.value(buffer?.spans ?? 0)
                json.key("bytesHeld"); json.value(buffer?.bytes ?? 0)
                json.key("keptBytesAwaitingStorage"); json.value(buffer?.unwrittenBytes ?? 0)
                json.key("decisionsCached"); json.value(buffer?.cachedDecisions ?? 0)
            }
            json.key("counters")
            json.object { json in
                json.key("spansReceived"); json.value(counters.spansReceived)
                json.key("spansForwarded"); json.value(counters.spansForwarded)
                json.key("spansDropped")
                json.object { json in
                    json.key("head"); json.value(counters.spansDroppedHead)
                    json.key("tail"); json.value(counters.spansDroppedTail)
                    json.key("late"); json.value(counters.lateSpansDropped)
                }
                json.key("lateSpansKept"); json.value(counters.lateSpansKept)
                json.key("tracesKept"); sortedCounts(counters.tracesKept, &json)
                json.key("tracesDropped"); json.value(counters.tracesDropped)
                json.key("earlyDecisions"); sortedCounts(counters.earlyDecisions, &json)
                json.key("tracesReloaded"); json.value(counters.tracesReloaded)
                json.key("storageWriteFailures"); json.value(counters.writeFailures)
            }
        }
        return json.bytes
    }

    private static func sortedCounts(_ counts: [String: Int], _ json: inout JSONWriter) {
        json.object { json in
            for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
                json.key(name); json.value(count)
            }
        }
    }
}
