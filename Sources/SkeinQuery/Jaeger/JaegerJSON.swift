import SkeinCore

/// Writes Jaeger API JSON: the `{data, total, limit, offset, errors}` envelope and traces in the
/// exact shape of jaeger-api.md §4.
enum JaegerJSON {
    /// One entry of the envelope's `errors` list.
    struct APIError: Sendable, Equatable {
        var code: Int = 0
        var message: String
        var traceID: String = ""
    }

    /// The envelope around `data`, which `writeData` writes as one JSON value.
    static func envelope(total: Int = 0, errors: [APIError] = [], writeData: (inout JSONWriter) -> Void) -> [UInt8] {
        var json = JSONWriter(capacity: 4096)
        json.object { json in
            json.key("data")
            writeData(&json)
            json.key("total"); json.value(total)
            json.key("limit"); json.value(0)
            json.key("offset"); json.value(0)
            json.key("errors")
            if errors.isEmpty {
                json.null()
            } else {
                json.array { json in
                    for error in errors {
                        json.object { json in
                            if error.code != 0 { json.key("code"); json.value(error.code) }
                            json.key("msg"); json.value(error.message)
                            if !error.traceID.isEmpty { json.key("traceID"); json.value(error.traceID) }
                        }
                    }
                }
            }
        }
        return json.bytes
    }

    static func write(_ traces: [JaegerTrace], to json: inout JSONWriter) {
        json.array { json in for trace in traces { write(trace, to: &json) } }
    }

    static func write(_ trace: JaegerTrace, to json: inout JSONWriter) {
        json.object { json in
            json.key("traceID"); json.value(trace.traceID.jaegerHex)
            json.key("spans")
            json.array { json in for span in trace.spans { write(span, to: &json) } }
            json.key("processes")
            json.object { json in
                for (key, process) in trace.processes {
                    json.key(key)
                    json.object { json in
                        json.key("serviceName"); json.value(process.serviceName)
                        json.key("tags"); write(process.tags, to: &json)
                    }
                }
            }
            json.key("warnings"); warnings(trace.warnings, to: &json)
        }
    }

    static func write(_ span: JaegerSpan, to json: inout JSONWriter) {
        json.object { json in
            json.key("traceID"); json.value(span.traceID.jaegerHex)
            json.key("spanID"); json.value(span.spanID.hex)
            if span.flags != 0 { json.key("flags"); json.value(Int(span.flags)) }
            json.key("operationName"); json.value(span.operationName)
            json.key("references")
            json.array { json in
                for reference in span.references {
                    json.object { json in
                        json.key("refType"); json.value(reference.type.rawValue)
                        json.key("traceID"); json.value(reference.traceID.jaegerHex)
                        json.key("spanID"); json.value(reference.spanID.hex)
                    }
                }
            }
            json.key("startTime"); json.value(span.startTime)
            json.key("duration"); json.value(span.duration)
            json.key("tags"); write(span.tags, to: &json)
            json.key("logs")
            json.array { json in
                for log in span.logs {
                    json.object { json in
                        json.key("timestamp"); json.value(log.timestamp)
                        json.key("fields"); write(log.fields, to: &json)
                    }
                }
            }
            json.key("processID"); json.value(span.processID)
            json.key("warnings"); warnings(span.warnings, to: &json)
        }
    }

    /// Largest integer a JavaScript number holds exactly; bigger int64 values go out as strings.
    static let maxSafeInteger: Int64 = (1 << 53) - 1

    static func write(_ tags: [JaegerKeyValue], to json: inout JSONWriter) {
        json.array { json in
            for tag in tags {
                json.object { json in
                    json.key("key"); json.value(tag.key)
                    switch tag.value {
                    case .string(let text):
                        json.key("type"); json.value("string")
                        json.key("value"); json.value(text)
                    case .bool(let flag):
                        json.key("type"); json.value("bool")
                        json.key("value"); json.value(flag)
                    case .int64(let int):
                        json.key("type"); json.value("int64")
                        json.key("value")
                        if int == .min || abs(int) > maxSafeInteger { json.value(String(int)) } else { json.value(int) }
                    case .float64(let double):
                        json.key("type"); json.value("float64")
                        json.key("value"); json.value(double)
                    case .binary(let bytes):
                        json.key("type"); json.value("binary")
                        json.key("value"); json.value(Base64.encode(bytes))
                    }
                }
            }
        }
    }

    static func warnings(_ warnings: [String], to json: inout JSONWriter) {
        if warnings.isEmpty {
            json.null()
        } else {
            json.array { json in for warning in warnings { json.value(warning) } }
        }
    }
}
