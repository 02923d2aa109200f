import SkeinSampling
import Testing
@testable import SkeinServer

@Suite struct SamplingConfigurationTests {
    func load(_ yaml: String, flags: [String: ConfigurationValue] = [:]) throws -> SamplingConfiguration {
        var settings = try ConfigurationSettings(yaml: yaml)
        for (key, value) in flags { settings.override(key, value) }
        return try SkeinConfiguration(settings: settings).sampling
    }

    @Test func theDefaultKeepsEverything() throws {
        let sampling = try load("")
        #expect(sampling == SamplingConfiguration())
        #expect(!sampling.isActive)
        #expect(sampling.tail.decisionWaitNanos == 10_000_000_000 && sampling.tail.maxBytes == 256 << 20)
    }

    @Test func everyPolicyTypeAndComposite() throws {
        let sampling = try load("""
        sampling:
          head:
            default_rate: 0.5
            service_rates: {checkout: 1, "health.check": 0}
          tail:
            enabled: true
            decision_wait: 2s
            max_traces: 500
            max_bytes: 64MiB
            decision_cache_size: 0
            policies:
              - {name: errors, type: error}
              - name: slow
                type: duration
                threshold: 1.5s
                of: span
              - {name: gold, type: attribute, key: user.tier, equals: gold, on: resource}
              - {name: admin, type: attribute, key: http.route, regex: "^/admin/"}
              - {name: five-hundreds, type: attribute, key: http.response.status_code, min: 500, max: 599}
              - {name: payments, type: services, services: [payment, cart]}
              - {name: limit, type: rate_limit, traces_per_second: 2.5}
              - name: sampled-checkout
                type: and
                policies:
                  - {type: services, services: [checkout]}
                  - {type: not, policy: {type: attribute, key: http.route, equals: /healthz}}
                  - {type: probabilistic, rate: 0.05}
              - {name: rest, type: always}
        """)
        #expect(sampling.head == HeadSamplingConfiguration(defaultRate: 0.5, serviceRates: ["checkout": 1, "health.check": 0]))
        #expect(sampling.tail.enabled && sampling.tail.decisionWaitNanos == 2_000_000_000)
        #expect(sampling.tail.maxTraces == 500 && sampling.tail.maxBytes == 64 << 20 && sampling.tail.decisionCacheSize == 0)
        #expect(sampling.tail.policies == [
            TailPolicy(name: "errors", rule: .error),
            TailPolicy(name: "slow", rule: .duration(thresholdNanos: 1_500_000_000, of: .span)),
            TailPolicy(name: "gold", rule: .attribute(.init(key: "user.tier", match: .equals("gold"), scope: .resource))),
            TailPolicy(name: "admin", rule: .attribute(.init(key: "http.route", match: .regex("^/admin/")))),
            TailPolicy(name: "five-hundreds", rule: .attribute(.init(key: "http.response.status_code", match: .range(min: 500, max: 599)))),
            TailPolicy(name: "payments", rule: .services(["payment", "cart"])),
            TailPolicy(name: "limit", rule: .rateLimit(tracesPerSecond: 2.5)),
            TailPolicy(name: "sampled-checkout", rule: .and([
                .services(["checkout"]), .not(.attribute(.init(key: "http.route", match: .equals("/healthz")))), .probabilistic(rate: 0.05),
            ])),
            TailPolicy(name: "rest", rule: .always),
        ])
    }

    @Test func flagsOverrideTheFile() throws {
        let sampling = try load("sampling:\n  head:\n    service_rates: {a: 0.1}", flags: [
            "sampling.head.service_rates": try .serviceRates(fromFlags: ["b=0.2", "c.d=0.3", "b=0.4"]),
            "sampling.tail.max_bytes": .scalar("1GiB"),
        ])
        #expect(sampling.head.serviceRates == ["b": 0.4, "c.d": 0.3])
        #expect(sampling.tail.maxBytes == 1 << 30)
        #expect(throws: ConfigurationError.self) { try ConfigurationValue.serviceRates(fromFlags: ["nope"]) }
    }

    static let tail = "sampling:\n  tail:\n    enabled: true\n    policies:\n"

    @Test(arguments: [
        ("sampling:\n  head:\n    default_rate: 1.5", "'sampling.head.default_rate' must be a number from 0 to 1 (got '1.5')"),
        ("sampling:\n  head:\n    service_rates: {a: lots}", "'sampling.head.service_rates.a' must be a number from 0 to 1 (got 'lots')"),
        ("sampling:\n  head:\n    service_rates: [a]", "'sampling.head.service_rates' must be a mapping of service names to rates"),
        ("sampling:\n  tail:\n    decision_wait: 2h", "'sampling.tail.decision_wait' must be a duration from 0s to 1h"),
        ("sampling:\n  tail:\n    max_bytes: 12XB", "'sampling.tail.max_bytes' must be a size from 1MiB to 64GiB"),
        ("sampling:\n  tail:\n    max_traces: 0", "'sampling.tail.max_traces' must be a whole number from 1 to 10000000 (got '0')"),
        ("sampling:\n  tail:\n    enabled: true", "'sampling.tail.policies' must list at least one policy when sampling.tail.enabled is true"),
        ("sampling:\n  tail:\n    policies: {name: x}", "'sampling.tail.policies' must be a list of policies"),
        ("sampling:\n  tail:\n    rate: 1", "'sampling.tail.rate' is not a known setting"),
        (tail + "      - {name: a, type: error}\n      - {name: b, type: error}\n      - {name: c, type: duration, threshold: soon}",
         "'sampling.tail.policies[2].threshold' must be a duration above 0, e.g. 500ms or 2s (got 'soon')"),
        (tail + "      - {type: error}", "'sampling.tail.policies[0].name' is required: it is recorded as the reason a trace is kept"),
        (tail + "      - {name: a, type: error}\n      - {name: a, type: always}", "'sampling.tail.policies[1].name' 'a' is already the name of another policy"),
        (tail + "      - {name: a, type: sometimes}", "'sampling.tail.policies[0].type' must be one of always, and, attribute"),
        (tail + "      - {name: a}", "'sampling.tail.policies[0].type' is required"),
        (tail + "      - {name: a, type: error, threshold: 1s}", "'sampling.tail.policies[0].threshold' is not a field of a 'error' policy (fields: name, type)"),
        (tail + "      - {name: a, type: duration}", "'sampling.tail.policies[0].threshold' is required"),
        (tail + "      - {name: a, type: duration, threshold: 1s, of: week}", "'sampling.tail.policies[0].of' must be one of trace, span (got 'week')"),
        (tail + "      - {name: a, type: attribute, key: k}", "'sampling.tail.policies[0]' must have exactly one of equals, regex, or min/max"),
        (tail + "      - {name: a, type: attribute, key: k, equals: x, regex: y}", "'sampling.tail.policies[0]' must have exactly one of"),
        (tail + "      - {name: a, type: attribute, equals: x}", "'sampling.tail.policies[0].key' is required"),
        (tail + "      - {name: a, type: attribute, key: k, regex: \"(\"}", "'sampling.tail.policies[0].regex' is not a valid regular expression (got '(')"),
        (tail + "      - {name: a, type: attribute, key: k, min: 5, max: 1}", "'sampling.tail.policies[0].min' must not be above max"),
        (tail + "      - {name: a, type: attribute, key: k, min: five}", "'sampling.tail.policies[0].min' must be a number (got 'five')"),
        (tail + "      - {name: a, type: attribute, key: k, equals: x, on: trace}", "'sampling.tail.policies[0].on' must be one of span, resource, any"),
        (tail + "      - {name: a, type: probabilistic, rate: 5%}", "'sampling.tail.policies[0].rate' must be a number from 0 to 1 (got '5%')"),
        (tail + "      - {name: a, type: probabilistic}", "'sampling.tail.policies[0].rate' is required"),
        (tail + "      - {name: a, type: rate_limit, traces_per_second: 0}", "'sampling.tail.policies[0].traces_per_second' must be a number above 0"),
        (tail + "      - {name: a, type: services, services: []}", "'sampling.tail.policies[0].services' must be a list of one or more service names"),
        (tail + "      - {name: a, type: services, services: [[x]]}", "'sampling.tail.policies[0].services[0]' must be a service name"),
        (tail + "      - {name: a, type: and, policies: [{type: error}, {type: probabilistic, rate: 2}]}",
         "'sampling.tail.policies[0].policies[1].rate' must be a number from 0 to 1 (got '2')"),
        (tail + "      - {name: a, type: not, policy: {type: duration, threshold: 0s}}", "'sampling.tail.policies[0].policy.threshold' must be a duration above 0"),
        (tail + "      - {name: a, type: not}", "'sampling.tail.policies[0].policy' is required"),
        (tail + "      - error", "'sampling.tail.policies[0]' must be a mapping with name and type (got a value)"),
        (tail + "      - {name: [a], type: error}", "'sampling.tail.policies[0].name' must be a single value (got a list)"),
    ])
    func invalidSamplingNamesTheKeyAndTheRule(yaml: String, message: String) {
        #expect { try load(yaml) } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("invalid configuration: " + message) && !text.contains("\n")
        }
    }
}
