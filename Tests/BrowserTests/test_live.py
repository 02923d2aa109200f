"""The Live page: spans arrive as they are stored, the filter narrows the stream, rows open their
trace, pausing holds the list, and the alerts panel shows the firing alert."""

import time

import pytest
import seed
from conftest import serve
from selenium.webdriver.support.ui import Select

# One alert rule that the seeded declined checkout (a payment error) makes fire.
ALERTS = """
alerts:
  evaluation_interval: 1s
  rules:
    - {name: PaymentErrors, metric: error_rate, service: payment, comparison: ">", threshold: 0.1, window: 1h, for: 0s, severity: critical}
"""


@pytest.fixture(scope="module")
def server():
    """A server of this module's own: the spans these tests send would change the others' answers."""
    with serve(ALERTS) as running:
        yield running


def fresh_trace(name, service, operation, error=None):
    trace = seed.Trace(f"{name}-{time.time_ns()}", time.time_ns())
    trace.span("root", service, operation, 0, 12, error=error)
    return trace


def row_ids(page):
    return page.driver.execute_script(
        "return Array.from(document.querySelectorAll('table.live-spans tbody tr'), row => row.dataset.traceId)")


def wait_connected(page):
    page.wait(lambda: page.find(".live-status").get_attribute("data-state") == "connected", message="the stream did not connect")


def test_spans_stream_in_newest_first_and_open_their_trace(page, server):
    page.open("#/live")
    wait_connected(page)
    first = fresh_trace("live-a", "cart", "GET /cart")
    second = fresh_trace("live-b", "frontend", "GET /", error="boom")
    seed.send(server.ports["http"], first)
    page.wait(lambda: row_ids(page)[:1] == [first.trace_id], message="the first span did not appear")
    seed.send(server.ports["http"], second)
    page.wait(lambda: row_ids(page)[:2] == [second.trace_id, first.trace_id], message=f"rows are {row_ids(page)[:3]}")
    newest = page.find("table.live-spans tbody tr")
    assert "error" in newest.get_attribute("class") and "GET /" in newest.text and "frontend" in newest.text
    assert "spans received" in page.find(".live-status").text
    page.wait_for(".alert-list .alert")
    page.screenshot("live")
    page.click(f"table.live-spans tr[data-trace-id='{first.trace_id}'] a.trace-link")
    page.wait(lambda: page.hash().startswith(f"#/trace/{first.trace_id}"))
    page.wait_text(".trace-head h1", "GET /cart")


def test_the_filter_narrows_the_stream(page, server):
    page.open("#/live")
    page.wait_for("select[name=service] option[value='cart']")
    Select(page.find("select[name=service]")).select_by_value("cart")
    page.find("input[name=error]").click()
    page.click(".live-form button.primary")
    page.wait(lambda: "service=cart" in page.hash() and "error=1" in page.hash())
    wait_connected(page)
    other = fresh_trace("live-other", "frontend", "GET /", error="boom")
    quiet = fresh_trace("live-quiet", "cart", "GET /cart")
    wanted = fresh_trace("live-wanted", "cart", "GET /cart", error="out of stock")
    for trace in (other, quiet, wanted):
        seed.send(server.ports["http"], trace)
    page.wait(lambda: wanted.trace_id in row_ids(page), message="the matching span did not appear")
    assert other.trace_id not in row_ids(page) and quiet.trace_id not in row_ids(page)


def test_pause_holds_the_list(page, server):
    page.open("#/live")
    wait_connected(page)
    page.click("button.pause")
    held = fresh_trace("live-held", "cart", "GET /cart")
    seed.send(server.ports["http"], held)
    page.wait_text(".live-status", "1 arrived meanwhile")
    assert held.trace_id not in row_ids(page)
    page.click("button.pause")
    after = fresh_trace("live-after", "cart", "GET /cart")
    seed.send(server.ports["http"], after)
    page.wait(lambda: after.trace_id in row_ids(page))


def test_the_firing_alert_is_listed(page, server):
    page.open("#/live")
    alert = page.wait_for(".alert-list .alert[data-rule='PaymentErrors']")
    page.wait(lambda: page.find(".alert-list .alert[data-rule='PaymentErrors']").get_attribute("data-state") == "firing")
    alert = page.find(".alert-list .alert[data-rule='PaymentErrors']")
    assert "critical" in alert.text and "> 10%" in alert.text
