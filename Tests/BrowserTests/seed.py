"""The traces the browser tests seed: a small shop (frontend, cart, checkout, payment, inventory),
a trace with links, one carrying HTML in its data, and one of 10,000 spans. Sent as OTLP/HTTP
JSON to the real server. Every ID and time is fixed relative to `base_ns`, so each test knows
exactly what the pages must show."""

import hashlib
import json
import urllib.request

SERVER, CLIENT, INTERNAL = 2, 3, 1
STATUS_OK, STATUS_ERROR = 1, 2

XSS_VALUE = '<img src=x onerror="window.__xss=1;alert(1)">'
XSS_OPERATION = "GET /profile<script>window.__xss=2</script>"


def attribute(key, value):
    if isinstance(value, bool):
        wrapped = {"boolValue": value}
    elif isinstance(value, int):
        wrapped = {"intValue": str(value)}
    elif isinstance(value, float):
        wrapped = {"doubleValue": value}
    else:
        wrapped = {"stringValue": str(value)}
    return {"key": key, "value": wrapped}


class Trace:
    """Spans of one trace; times in ms after the trace's own start."""

    def __init__(self, name, start_ns):
        self.name = name
        self.trace_id = hashlib.sha256(name.encode()).hexdigest()[:32]
        self.start_ns = start_ns
        self.spans = []  # (service, resource extras, span dict)
        self.ids = {}

    def span(self, key, service, name, start_ms, end_ms, parent=None, kind=SERVER, attrs=None, events=None,
             links=None, error=None, resource=None):
        span_id = hashlib.sha256(f"{self.name}/{key}".encode()).hexdigest()[:16]
        self.ids[key] = span_id
        span = {
            "traceId": self.trace_id, "spanId": span_id, "name": name, "kind": kind,
            "startTimeUnixNano": str(self.start_ns + int(start_ms * 1e6)),
            "endTimeUnixNano": str(self.start_ns + int(end_ms * 1e6)),
            "attributes": [attribute(k, v) for k, v in (attrs or {}).items()],
        }
        if parent:
            span["parentSpanId"] = self.ids[parent]
        if events:
            span["events"] = [{"timeUnixNano": str(self.start_ns + int(at_ms * 1e6)), "name": event_name,
                               "attributes": [attribute(k, v) for k, v in fields.items()]}
                              for at_ms, event_name, fields in events]
        if links:
            span["links"] = [{"traceId": trace_id, "spanId": linked_span,
                              "attributes": [attribute("link.reason", reason)]}
                             for trace_id, linked_span, reason in links]
        if error is not None:
            span["status"] = {"code": STATUS_ERROR, "message": error}
        elif kind == SERVER:
            span["status"] = {"code": STATUS_OK}
        self.spans.append((service, tuple(sorted((resource or {}).items())), span))
        return span_id

    def requests(self, chunk=2_500):
        """OTLP export requests, at most `chunk` spans each, grouped by resource."""
        for offset in range(0, len(self.spans), chunk):
            groups = {}
            for service, extras, span in self.spans[offset:offset + chunk]:
                groups.setdefault((service, extras), []).append(span)
            yield {"resourceSpans": [{
                "resource": {"attributes": [attribute("service.name", service), attribute("host.name", f"{service}-host"),
                                            *[attribute(k, v) for k, v in extras]]},
                "scopeSpans": [{"scope": {"name": "skein.browser-tests", "version": "1.0"}, "spans": spans}],
            } for (service, extras), spans in groups.items()]}

    @property
    def span_count(self):
        return len(self.spans)


def cart_trace(name, start_ns, total_ms, tier):
    t = Trace(name, start_ns)
    t.span("root", "frontend", "GET /cart", 0, total_ms, attrs={
        "http.request.method": "GET", "http.response.status_code": 200, "customer.tier": tier})
    t.span("client", "frontend", "GET cart/items", 2, total_ms - 2, parent="root", kind=CLIENT)
    t.span("server", "cart", "GET /items", 4, total_ms - 4, parent="client")
    t.span("db", "cart", "SELECT cart_items", 6, total_ms - 10, parent="server", kind=CLIENT,
           attrs={"db.system.name": "postgresql", "db.query.text": "SELECT * FROM cart_items WHERE cart = $1"})
    return t


def checkout_trace(name, start_ns, declined):
    """frontend POST /checkout → checkout POST /orders → (cache lookup ∥ inventory Reserve) → payment Charge.
    The cache lookup overlaps Reserve and ends first, so it is the one span off the critical path."""
    total = 900 if declined else 300
    t = Trace(name, start_ns)
    t.span("root", "frontend", "POST /checkout", 0, total, attrs={
        "http.request.method": "POST", "http.response.status_code": 500 if declined else 201,
        "customer.tier": "silver" if declined else "gold"},
        error="payment failed" if declined else None)
    t.span("client", "frontend", "POST orders", 5, total - 5, parent="root", kind=CLIENT)
    t.span("server", "checkout", "POST /orders", 10, total - 10, parent="client",
           events=[(12, "order.received", {"order.items": 3})])
    t.span("cache", "checkout", "cache lookup", 15, 50, parent="server", kind=INTERNAL, attrs={"cache.hit": False})
    t.span("reserve-client", "checkout", "Reserve", 20, 60, parent="server", kind=CLIENT)
    t.span("reserve", "inventory", "Reserve", 22, 58, parent="reserve-client", attrs={"items": 3})
    t.span("charge-client", "checkout", "Charge", 70, total - 20, parent="server", kind=CLIENT)
    t.span("charge", "payment", "Charge", 72, total - 22, parent="charge-client",
           attrs={"payment.amount": 42.5, "payment.currency": "EUR"},
           events=[(total - 40, "exception", {"exception.type": "CardDeclined", "exception.message": "card declined"})]
           if declined else None,
           error="card declined" if declined else None)
    return t


def linked_trace(name, start_ns, target):
    """A worker batch that links to the checkout trace's root, and one span linking to a sibling."""
    t = Trace(name, start_ns)
    t.span("root", "worker", "process batch", 0, 100, kind=INTERNAL,
           links=[(target.trace_id, target.ids["root"], "batched order")])
    t.span("first", "worker", "step one", 5, 40, parent="root", kind=INTERNAL)
    t.span("second", "worker", "step two", 45, 95, parent="root", kind=INTERNAL,
           links=[(t.trace_id, t.ids["first"], "continues")])
    return t


def xss_trace(name, start_ns):
    t = Trace(name, start_ns)
    t.span("root", "frontend", XSS_OPERATION, 0, 20, attrs={"user.comment": XSS_VALUE, "http.request.method": "GET"},
           events=[(5, "note", {"html": XSS_VALUE})], resource={"deployment.note": XSS_VALUE})
    return t


def big_trace(name, start_ns, batches=99, items=100):
    """1 root + `batches` batch spans + batches×items item spans (10,000 with the defaults), over 2 s."""
    t = Trace(name, start_ns)
    t.span("root", "bulk-loader", "import catalog", 0, 2_000, kind=SERVER)
    step = 1_990 / batches
    for b in range(batches):
        begin = 5 + b * step
        t.span(f"b{b}", "bulk-loader", f"load batch {b}", begin, begin + step * 0.95, parent="root", kind=INTERNAL,
               attrs={"batch.index": b})
        for i in range(items):
            item_begin = begin + i * step * 0.95 / items
            t.span(f"b{b}i{i}", "storage-writer" if i % 2 else "bulk-loader", f"write item {b}/{i}",
                   item_begin, item_begin + step * 0.9 / items, parent=f"b{b}", kind=CLIENT if i % 2 == 0 else SERVER,
                   attrs={"item.id": b * items + i}, error="disk full" if (b, i) == (42, 7) else None)
    return t


def build(now_ns):
    """The seeded traces, by role. Starts spread over the last 10 minutes, oldest first."""
    minute = 60 * 1_000_000_000
    base = now_ns - 10 * minute
    traces = {}
    traces["cart1"] = cart_trace("cart-1", base + 1 * minute, 40, "gold")
    traces["cart2"] = cart_trace("cart-2", base + 2 * minute, 60, "silver")
    traces["cart3"] = cart_trace("cart-3", base + 3 * minute, 80, "silver")
    traces["checkout_ok"] = checkout_trace("checkout-ok", base + 4 * minute, declined=False)
    traces["checkout_declined"] = checkout_trace("checkout-declined", base + 5 * minute, declined=True)
    traces["linked"] = linked_trace("linked", base + 6 * minute, traces["checkout_ok"])
    traces["xss"] = xss_trace("xss", base + 7 * minute)
    traces["big"] = big_trace("big", base + 8 * minute)
    return traces


def send(otlp_http_port, trace, headers=None):
    """Exports the trace over OTLP/HTTP JSON; `headers` adds e.g. the token and the tenant."""
    for request in trace.requests():
        body = json.dumps(request).encode()
        post = urllib.request.Request(f"http://127.0.0.1:{otlp_http_port}/v1/traces", data=body,
                                      headers={"Content-Type": "application/json", **(headers or {})}, method="POST")
        with urllib.request.urlopen(post, timeout=30) as reply:
            answer = json.loads(reply.read() or b"{}")
            assert reply.status == 200 and not answer.get("partialSuccess"), answer
