import SkeinCore

/// The JSON of `/api/v1/alerts`, `/api/v1/alerts/history` and `/api/v1/alerts/rules`, each under
/// `data` as the other `/api/v1` answers. Latency values are milliseconds, rates 0–1, call rates
/// per second: the unit of the rule's threshold.
package enum AlertsJSON {
    package static func active(_ alerts: [AlertSnapshot], failures: [String: String], webhook: WebhookStats?) -> [UInt8] {
        var json = JSONWriter(capacity: 1_024)
        json.object { json in
            json.key("data")
            json.array { json in
                for alert in alerts {
                    json.object { json in
                        json.key("rule"); json.value(alert.rule.name)
                        json.key("state"); json.value(alert.state.rawValue)
                        json.key("severity"); json.value(alert.rule.severity)
                        json.key("metric"); json.value(alert.rule.metric.name)
                        json.key("labels"); AlertmanagerPayload.map(alert.rule.alertLabels, &json)
                        json.key("annotations"); AlertmanagerPayload.map(alert.rule.annotations(value: alert.value), &json)
                        json.key("value"); json.value(alert.value)
                        json.key("comparison"); json.value(alert.rule.comparison.rawValue)
                        json.key("threshold"); json.value(alert.rule.threshold)
                        json.key("activeSince"); json.value(RFC3339.format(nanos: alert.activeSinceNanos))
                        if let firing = alert.firingSinceNanos { json.key("firingSince"); json.value(RFC3339.format(nanos: firing)) }
                    }
                }
            }
            json.key("evaluationErrors"); AlertmanagerPayload.map(failures, &json)
            json.key("notifications")
            if let webhook {
                json.object { json in
                    json.key("sent"); json.value(webhook.sent)
                    json.key("failed"); json.value(webhook.failed)
                    json.key("retries"); json.value(webhook.retries)
                    json.key("dropped"); json.value(webhook.dropped)
                    json.key("lastError")
                    if let error = webhook.lastError { json.value(error) } else { json.null() }
                }
            } else {
                json.null()
            }
        }
        return json.bytes
    }

    package static func history(_ entries: [AlertHistoryEntry]) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + entries.count * 128)
        json.object { json in
            json.key("data")
            json.array { json in
                for entry in entries {
                    json.object { json in
                        json.key("time"); json.value(RFC3339.format(nanos: entry.atNanos))
                        json.key("rule"); json.value(entry.rule)
                        json.key("severity"); json.value(entry.severity)
                        json.key("state"); json.value(entry.state.rawValue)
                        json.key("value"); json.value(entry.value)
                    }
                }
            }
        }
        return json.bytes
    }

    package static func rules(_ rules: [AlertRule]) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.object { json in
            json.key("data")
            json.array { json in
                for rule in rules {
                    json.object { json in
                        json.key("name"); json.value(rule.name)
                        json.key("metric"); json.value(rule.metric.name)
                        json.key("service"); json.value(rule.service)
                        if let operation = rule.operation { json.key("operation"); json.value(operation) }
                        switch rule.metric {
                        case .latency(let quantile): json.key("quantile"); json.value(quantile)
                        case .edgeErrorRate(let callee): json.key("callee"); json.value(callee)
                        case .errorRate, .callRate: break
                        }
                        if case .edgeErrorRate = rule.metric {} else {
                            json.key("spanKinds")
                            json.array { json in for kind in rule.kinds.sorted(by: { $0.rawValue < $1.rawValue }) { json.value(kind.jaegerName) } }
                        }
                        json.key("comparison"); json.value(rule.comparison.rawValue)
                        json.key("threshold"); json.value(rule.threshold)
                        json.key("window"); json.value(GoDuration.format(nanos: Int64(rule.windowNanos)))
                        json.key("for"); json.value(GoDuration.format(nanos: Int64(rule.forNanos)))
                        json.key("severity"); json.value(rule.severity)
                        json.key("labels"); AlertmanagerPayload.map(rule.labels, &json)
                    }
                }
            }
        }
        return json.bytes
    }
}
