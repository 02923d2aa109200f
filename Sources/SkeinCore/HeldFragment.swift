/// Spans of one trace from one resource group, held while a tail-sampling decision is pending.
/// The sampler defines what is held and when; storage only keeps fragments durable (so a
/// crash loses no acknowledged span) and hands them back at startup.
package struct HeldFragment: Sendable {
    /// Identifies a fragment in the durable buffer.
    package struct ID: Hashable, Sendable {
        package var tenant: Tenant
        package var traceID: TraceID
        /// Unique per fragment, growing over time (also across restarts).
        package var sequence: UInt64

        package init(tenant: Tenant, traceID: TraceID, sequence: UInt64) {
            self.tenant = tenant
            self.traceID = traceID
            self.sequence = sequence
        }
    }

    package var id: ID
    /// Wall-clock nanoseconds when Skein received it: a trace's decision is due a fixed wait
    /// after its first fragment, also after a restart.
    package var receivedNanos: UInt64
    /// The group's resource and scope, with only this trace's spans.
    package var group: ResourceGroup

    package init(id: ID, receivedNanos: UInt64, group: ResourceGroup) {
        self.id = id
        self.receivedNanos = receivedNanos
        self.group = group
    }
}
