import Logging
import ServiceLifecycle
import SkeinAlerts
import SkeinTail

/// Ends every live-tail stream when shutdown begins. It is the last service started, so the
/// first stopped: the query server then has no endless responses left to wait for.
struct TailShutdownService: Service {
    let hub: SpanTailHub

    func run() async throws {
        try? await gracefulShutdown()
        hub.close()
    }
}

/// Evaluates the alert rules every `interval` until shutdown.
struct AlertEvaluationService: Service {
    let engine: AlertEngine
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await engine.evaluate()
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Delivers webhook notifications until shutdown; what is still queued then is not sent (alert
/// state lives in memory and starts over with the next run).
struct WebhookService: Service {
    let notifier: WebhookNotifier

    func run() async throws {
        await cancelWhenGracefulShutdown { await notifier.run() }
    }
}
