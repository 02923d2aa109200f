import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Where and how notifications are POSTed (`alerts.webhook`).
package struct WebhookSettings: Sendable, Equatable {
    package var url: String
    package var timeoutNanos: UInt64 = 5_000_000_000
    /// Tries per notification, the first included.
    package var maxAttempts: Int = 5
    package var initialBackoffNanos: UInt64 = 1_000_000_000
    package var maxBackoffNanos: UInt64 = 30_000_000_000
    /// Notifications waiting for delivery; when full, new ones are dropped and counted.
    package var queueCapacity: Int = 1_000
    /// The payload's `receiver`.
    package var receiver: String = "skein"

    package init(url: String) { self.url = url }
}

/// Delivery counters, shown by `GET /api/v1/alerts`.
package struct WebhookStats: Sendable, Equatable {
    package var sent: UInt64 = 0
    /// Notifications given up on (every attempt failed, or the receiver refused with a 4xx).
    package var failed: UInt64 = 0
    package var retries: UInt64 = 0
    /// Notifications that found the queue full.
    package var dropped: UInt64 = 0
    package var lastError: String?
}

/// POSTs Alertmanager-format notifications to one webhook. `notify` only queues; `run()`
/// delivers in order, retrying connection failures, timeouts, 429 and 5xx answers with
/// exponential backoff and jitter. The alert engine (and so ingest) never waits on a receiver.
package final class WebhookNotifier: AlertNotifier {
    private let settings: WebhookSettings
    private let externalURL: String
    private let queue: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let counters = Mutex(WebhookStats())

    package init(settings: WebhookSettings, externalURL: String) {
        self.settings = settings
        self.externalURL = externalURL
        (queue, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingOldest(settings.queueCapacity))
    }

    package var stats: WebhookStats { counters.withLock { $0 } }

    package func notify(_ notification: AlertNotification) {
        let body = AlertmanagerPayload.body(notification, receiver: settings.receiver, externalURL: externalURL)
        if case .dropped = continuation.yield(body) { counters.withLock { $0.dropped += 1 } }
    }

    /// Delivers until `finish()` has been called and the queue is empty, or the task is
    /// cancelled (then the notification in hand gets no more retries).
    package func run() async {
        for await body in queue { await deliver(body) }
    }

    /// No more notifications; `run()` returns once those queued are delivered or given up.
    package func finish() { continuation.finish() }

    private func deliver(_ body: [UInt8]) async {
        var backoff = settings.initialBackoffNanos
        for attempt in 1...settings.maxAttempts {
            let outcome = await post(body)
            switch outcome {
            case .delivered:
                counters.withLock { $0.sent += 1 }
                return
            case .refused(let reason):
                counters.withLock { $0.failed += 1; $0.lastError = reason }
                return
            case .retryable(let reason):
                counters.withLock { $0.lastError = reason }
                guard attempt < settings.maxAttempts, !Task.isCancelled else { break }
                counters.withLock { $0.retries += 1 }
                // Full jitter over the upper half, so many Skeins do not retry in step.
                let wait = backoff / 2 + UInt64.random(in: 0...(backoff / 2))
                try? await Task.sleep(for: .nanoseconds(Int64(wait)))
                backoff = min(settings.maxBackoffNanos, backoff * 2)
                continue
            }
            break
        }
        counters.withLock { $0.failed += 1 }
    }

    private enum Outcome { case delivered, refused(String), retryable(String) }

    private func post(_ body: [UInt8]) async -> Outcome {
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Skein-Alerts")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(settings.timeoutNanos)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            switch code {
            case 200..<300: return .delivered
            case 429, 500...: return .retryable("webhook answered \(code)")
            default: return .refused("webhook refused the notification with \(code)")
            }
        } catch {
            return .retryable("webhook unreachable: \(error)")
        }
    }
}
