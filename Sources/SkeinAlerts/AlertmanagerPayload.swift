import SkeinCore

/// Prometheus Alertmanager's webhook body (version 4), so receivers written for Alertmanager
/// read Skein's notifications unchanged. One notification carries one alert; its group is the
/// alert's name.
package enum AlertmanagerPayload {
    /// Alertmanager writes the zero time as `endsAt` while an alert fires.
    static let zeroTime = "0001-01-01T00:00:00Z"

    package static func body(_ notification: AlertNotification, receiver: String, externalURL: String) -> [UInt8] {
        let alert = notification.alert
        let labels = alert.rule.alertLabels
        let annotations = alert.rule.annotations(value: alert.value)
        let status = notification.resolvedAtNanos == nil ? "firing" : "resolved"
        var json = JSONWriter(capacity: 1_024)
        json.object { json in
            json.key("version"); json.value("4")
            json.key("groupKey"); json.value("{}:{alertname=\"\(alert.rule.name)\"}")
            json.key("truncatedAlerts"); json.value(0)
            json.key("status"); json.value(status)
            json.key("receiver"); json.value(receiver)
            json.key("groupLabels"); map(["alertname": alert.rule.name], &json)
            json.key("commonLabels"); map(labels, &json)
            json.key("commonAnnotations"); map(annotations, &json)
            json.key("externalURL"); json.value(externalURL)
            json.key("alerts")
            json.array { json in
                json.object { json in
                    json.key("status"); json.value(status)
                    json.key("labels"); map(labels, &json)
                    json.key("annotations"); map(annotations, &json)
                    json.key("startsAt"); json.value(RFC3339.format(nanos: alert.firingSinceNanos ?? alert.activeSinceNanos))
                    json.key("endsAt"); json.value(notification.resolvedAtNanos.map { RFC3339.format(nanos: $0) } ?? zeroTime)
                    json.key("generatorURL"); json.value(generatorURL(alert.rule, externalURL: externalURL))
                    json.key("fingerprint"); json.value(fingerprint(labels))
                }
            }
        }
        return json.bytes
    }

    /// The viewer's page of the rule's service.
    static func generatorURL(_ rule: AlertRule, externalURL: String) -> String {
        let base = externalURL.hasSuffix("/") ? String(externalURL.dropLast()) : externalURL
        let service = rule.service.addingPercentEncodingForPath()
        return "\(base)/#/services/\(service)"
    }

    /// 16 hex digits identifying the label set: FNV-1a over the sorted labels, with separators
    /// no label contains (as Alertmanager's fingerprint is a hash of the sorted label set).
    package static func fingerprint(_ labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            for byte in name.utf8 + [0xFF] + value.utf8 + [0xFF] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func map(_ pairs: [String: String], _ json: inout JSONWriter) {
        json.object { json in
            for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
                json.key(key); json.value(value)
            }
        }
    }
}

extension String {
    /// Percent-encodes what a URL path segment may not hold.
    func addingPercentEncodingForPath() -> String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
