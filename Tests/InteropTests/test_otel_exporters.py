"""Interop: the official OpenTelemetry Python SDK and OTLP exporters send nested, multi-service
traces to a real `skein serve` on 127.0.0.1 over gRPC, HTTP/protobuf and HTTP/JSON (each with and
without gzip); every span is read back through /api/traces/{id} and compared field by field with
what the SDK recorded."""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKEIN = os.environ.get("SKEIN_BINARY", os.path.join(REPO, ".build", "debug", "skein"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    ports = {"grpc": free_port(), "http": free_port(), "query": free_port()}
    data = tempfile.mkdtemp(prefix="skein-interop-")
    process = subprocess.Popen(
        [SKEIN, "serve", "--data-dir", data, "--log-level", "warning",
         "--otlp-grpc-listen", f"127.0.0.1:{ports['grpc']}",
         "--otlp-http-listen", f"127.0.0.1:{ports['http']}",
         "--query-listen", f"127.0.0.1:{ports['query']}"])
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{ports['query']}/healthz", timeout=1)
            break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("skein did not start")
            time.sleep(0.1)
    yield ports
    process.terminate()
    assert process.wait(timeout=30) == 0, "skein did not shut down cleanly on SIGTERM"


def make_exporter(protocol, ports, gzip):
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        from opentelemetry.exporter.otlp.proto.grpc.exporter import Compression
        return OTLPSpanExporter(endpoint=f"127.0.0.1:{ports['grpc']}", insecure=True,
                                compression=Compression.Gzip if gzip else None)
    endpoint = f"http://127.0.0.1:{ports['http']}/v1/traces"
    if protocol == "http/protobuf":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.exporter.otlp.proto.http import Compression
        return OTLPSpanExporter(endpoint=endpoint, compression=Compression.Gzip if gzip else None)
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.common.http import Compression
    return OTLPSpanExporter(endpoint=endpoint, compression=Compression.GZIP if gzip else Compression.NONE)


def provider(service, exporter, recorder):
    p = TracerProvider(shutdown_on_exit=False, resource=Resource.create({"service.name": service, "host.name": f"{service}-host",
                                                 "deployment.environment.name": "interop"}))
    p.add_span_processor(SimpleSpanProcessor(recorder))
    p.add_span_processor(SimpleSpanProcessor(exporter))
    return p


def send_trace(exporter, tag):
    """frontend (server) -> checkout (client -> server) -> db (client, error), with events and a link."""
    recorder = InMemorySpanExporter()
    frontend = provider("frontend", exporter, recorder).get_tracer("interop.frontend", "1.2.3")
    checkout = provider("checkout", exporter, recorder).get_tracer("interop.checkout")
    with frontend.start_as_current_span("GET /cart", kind=SpanKind.SERVER, attributes={
        "http.request.method": "GET", "http.response.status_code": 200, "ratio": 0.25, "cached": False,
        "tags": ["a", "b"], "ids": [1, 2, 3], "flags": [True, False], "scores": [1.5, 2.5], "run": tag,
    }) as root:
        root.add_event("cache.miss", {"key": "cart:42", "attempt": 1})
        with frontend.start_as_current_span("call checkout", kind=SpanKind.CLIENT) as client:
            context = trace.set_span_in_context(client)
            with checkout.start_as_current_span("POST /checkout", context=context, kind=SpanKind.SERVER,
                                                links=[Link(root.get_span_context(), {"link.reason": "batch"})]) as server:
                with checkout.start_as_current_span("INSERT orders", kind=SpanKind.CLIENT,
                                                    attributes={"db.system.name": "postgresql"}) as db:
                    db.add_event("exception", {"exception.type": "IOError", "exception.message": "reset"})
                    db.set_status(Status(StatusCode.ERROR, "connection reset"))
                server.set_status(Status(StatusCode.OK))
    spans = recorder.get_finished_spans()
    assert len(spans) == 4
    return spans


def expected_tag_value(value):
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, int):
        return "int64", value
    if isinstance(value, float):
        return "float64", value
    if isinstance(value, str):
        return "string", value
    return "string", list(value)  # arrays: JSON text, compared parsed


def check_tags(got_tags, attributes):
    by_key = {t["key"]: t for t in got_tags}
    for key, value in attributes.items():
        assert key in by_key, f"attribute {key} missing"
        kind, expected = expected_tag_value(value)
        assert by_key[key]["type"] == kind, key
        actual = by_key[key]["value"]
        if isinstance(expected, list):
            actual = json.loads(actual)
        assert actual == expected, key


def fetch(ports, trace_id):
    url = f"http://127.0.0.1:{ports['query']}/api/traces/{trace_id:032x}?raw=true"
    with urllib.request.urlopen(url, timeout=10) as reply:
        body = json.load(reply)
    assert body["errors"] is None
    assert len(body["data"]) == 1
    return body["data"][0]


KINDS = {SpanKind.SERVER: "server", SpanKind.CLIENT: "client", SpanKind.INTERNAL: "internal"}


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("protocol", ["grpc", "http/protobuf", "http/json"])
def test_exporter_round_trip(server, protocol, gzip):
    exporter = make_exporter(protocol, server, gzip)
    spans = send_trace(exporter, f"{protocol}-{gzip}")
    trace_id = spans[0].context.trace_id
    got = fetch(server, trace_id)
    assert got["traceID"] == f"{trace_id:032x}"
    by_id = {s["spanID"]: s for s in got["spans"]}
    assert len(by_id) == len(spans)
    for span in spans:
        stored = by_id[f"{span.context.span_id:016x}"]
        assert stored["operationName"] == span.name
        assert stored["startTime"] == span.start_time // 1000
        assert stored["duration"] == (span.end_time - span.start_time) // 1000
        process = got["processes"][stored["processID"]]
        assert process["serviceName"] == span.resource.attributes["service.name"]
        assert {t["key"]: t["value"] for t in process["tags"]}["host.name"] == span.resource.attributes["host.name"]
        tags = {t["key"]: t for t in stored["tags"]}
        assert tags["otel.scope.name"]["value"] == span.instrumentation_scope.name
        assert tags["span.kind"]["value"] == KINDS[span.kind]
        check_tags(stored["tags"], dict(span.attributes))
        child_of = [r for r in stored["references"] if r["refType"] == "CHILD_OF"]
        if span.parent is None:
            assert child_of == []
        else:
            assert child_of[0]["spanID"] == f"{span.parent.span_id:016x}"
        follows = [r for r in stored["references"] if r["refType"] == "FOLLOWS_FROM"]
        assert [r["spanID"] for r in follows] == [f"{l.context.span_id:016x}" for l in span.links]
        if span.status.status_code == StatusCode.ERROR:
            assert tags["otel.status_code"]["value"] == "ERROR"
            assert tags["error"]["value"] is True
            assert tags["otel.status_description"]["value"] == span.status.description
        elif span.status.status_code == StatusCode.OK:
            assert tags["otel.status_code"]["value"] == "OK"
        else:
            assert "otel.status_code" not in tags
        assert len(stored["logs"]) == len(span.events)
        for log, event in zip(stored["logs"], span.events):
            assert log["timestamp"] == event.timestamp // 1000
            fields = {f["key"]: f["value"] for f in log["fields"]}
            assert fields["event"] == event.name
            for key, value in event.attributes.items():
                assert fields[key] == value
