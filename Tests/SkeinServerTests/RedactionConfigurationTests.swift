import SkeinOTLP
import SkeinRedaction
import Testing
@testable import SkeinServer

@Suite struct RedactionConfigurationTests {
    func load(_ yaml: String) throws -> SkeinConfiguration {
        try SkeinConfiguration(settings: try ConfigurationSettings(yaml: yaml))
    }

    func problem(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try load(yaml)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return ConfigurationError(key: "", rule: "\(error)")
        }
    }

    @Test func rulesSaltAndLimits() throws {
        let configuration = try load("""
        otlp:
          limits: {max_attributes_per_span: 64, max_attribute_value_length: 1024, max_events_per_span: 10, max_links_per_span: 5, max_spans_per_request: 5000}
        redaction:
          hash_salt: pepper
          rules:
            - {key: api.secret, action: drop}
            - {key_pattern: "^user\\\\.", action: hash}
            - {key_pattern: ".*", action: mask, pattern: "[^@\\\\s]+@[^@\\\\s]+", replacement: "<email>"}
        """)
        #expect(configuration.ingest.limits == SpanLimits(maxAttributesPerSpan: 64, maxAttributeValueLength: 1024, maxEventsPerSpan: 10,
                                                          maxLinksPerSpan: 5, maxSpansPerRequest: 5000))
        #expect(configuration.redaction.hashSalt == "pepper")
        #expect(configuration.redaction.rules == [
            RedactionRule(selector: .key("api.secret"), action: .drop),
            RedactionRule(selector: .keyPattern(#"^user\."#), action: .hash),
            RedactionRule(selector: .keyPattern(".*"), action: .mask, pattern: #"[^@\s]+@[^@\s]+"#, replacement: "<email>"),
        ])
        #expect(try load("log: {level: info}").ingest.limits == SpanLimits())
        #expect(try load("log: {level: info}").redaction.isEmpty)
    }

    @Test func badRulesNameTheirPath() {
        #expect(problem("redaction: {rules: [{key: a, action: drop}, {key: b, action: mask, pattern: '(x'}]}")?.key == "redaction.rules[1].pattern")
        #expect(problem("redaction: {rules: [{key_pattern: '[', action: drop}]}")?.key == "redaction.rules[0].key_pattern")
        #expect(problem("redaction: {rules: [{key: service.name, action: drop}]}")?.key == "redaction.rules[0]")
        #expect(problem("redaction: {rules: [{key_pattern: 'service', action: hash}]}")?.rule.contains("service.name") == true)
        #expect(problem("redaction: {rules: [{key: a, action: erase}]}")?.key == "redaction.rules[0].action")
        #expect(problem("redaction: {rules: [{key: a, key_pattern: b, action: drop}]}")?.key == "redaction.rules[0]")
        #expect(problem("redaction: {rules: [{action: drop}]}")?.key == "redaction.rules[0]")
        #expect(problem("redaction: {rules: [{key: a, action: drop, pattern: x}]}")?.key == "redaction.rules[0].pattern")
        #expect(problem("redaction: {rules: [{key: a, action: drop, colour: red}]}")?.key == "redaction.rules[0].colour")
        #expect(problem("redaction: {rules: {key: a}}")?.key == "redaction.rules")
        #expect(problem("otlp: {limits: {max_attributes_per_span: 0}}")?.key == "otlp.limits.max_attributes_per_span")
        #expect(problem("otlp: {limits: {max_spanz: 1}}") != nil)
    }
}
