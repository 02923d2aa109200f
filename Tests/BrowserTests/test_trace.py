"""The trace page: header, every span in the waterfall, the critical path, span details, links,
find, folding, downloads, and a 10,000-span trace."""

import json
import time
import urllib.request

from selenium.webdriver.common.keys import Keys


def open_trace(page, trace, query=""):
    page.open(f"#/trace/{trace.trace_id}{query}")
    page.wait_for(".wf-row")


def row_ids(page, css=".wf-row"):
    return {row.get_attribute("data-span-id") for row in page.all(css)}


def fact(page, name):
    return page.find(f".trace-facts .fact-{name} dd").text


def test_header_all_spans_and_critical_path(page, server):
    trace = server.traces["checkout_ok"]
    open_trace(page, trace)
    page.wait(lambda: len(page.all(".wf-row")) == 8)
    assert page.find(".trace-head .trace-id .id").text == trace.trace_id
    assert "POST /checkout" in page.find(".trace-head h1").text
    assert (fact(page, "spans"), fact(page, "services"), fact(page, "depth"), fact(page, "errors")) == ("8", "4", "5", "0")
    assert fact(page, "duration") == "300ms"
    assert row_ids(page) == set(trace.ids.values())
    on_path = {trace.ids[key] for key in ("root", "client", "server", "reserve-client", "reserve", "charge-client", "charge")}
    assert row_ids(page, ".wf-row.critical") == on_path
    assert trace.ids["cache"] not in row_ids(page, ".wf-row.critical")
    assert page.all(".wf-row.critical .bar .crit")
    assert page.find(".wf-ruler .tick.last").text == "300ms"
    services = [row.find_element("css selector", ".svc").text for row in page.all(".wf-row")]
    assert set(services) == {"frontend", "checkout", "inventory", "payment"}
    # The critical path can be hidden and shown again.
    page.click("input[name=critical]")
    assert not page.find(".wf-row.critical .crit").is_displayed()
    page.click("input[name=critical]")
    page.click(f".wf-row[data-span-id='{trace.ids['charge']}']")
    page.wait_for(".span-detail")
    page.screenshot("trace")


def test_span_details_attributes_resource_scope_events(page, server):
    trace = server.traces["checkout_declined"]
    charge = trace.ids["charge"]
    open_trace(page, trace, f"?span={charge}")
    detail = page.wait_for(f".span-detail[data-span-id='{charge}']")
    assert page.find(f".wf-row.selected").get_attribute("data-span-id") == charge
    text = detail.text
    assert "Charge" in detail.find_element("css selector", "h3").text
    assert "ERROR: card declined" in text
    attributes = {row.find_element("css selector", "th").text: row.find_element("css selector", "td").text
                  for row in detail.find_elements("css selector", ".detail-section table.kv tr")}
    assert attributes["payment.amount"] == "42.5"
    assert attributes["payment.currency"] == "EUR"
    assert attributes["host.name"] == "payment-host"
    assert attributes["otel.scope.name"] == "skein.browser-tests"
    assert attributes["exception.message"] == "card declined"
    event = detail.find_element("css selector", ".events li")
    assert "+860ms" in event.text and "exception" in event.text
    # Two error marks: the root and the declined charge.
    assert len(page.all(".wf-row.error")) == 2 and fact(page, "errors") == "2"
    page.click(".span-detail button.close")
    page.wait(lambda: not page.all(".span-detail"))
    assert "span=" not in page.hash()


def test_links_jump_to_the_linked_span_and_trace(page, server):
    linked, target = server.traces["linked"], server.traces["checkout_ok"]
    open_trace(page, linked, f"?span={linked.ids['second']}")
    page.click(".span-detail .links a.span-link")
    page.wait(lambda: page.find(".span-detail").get_attribute("data-span-id") == linked.ids["first"])
    assert f"span={linked.ids['first']}" in page.hash()
    page.driver.back()
    page.wait(lambda: page.find(".span-detail").get_attribute("data-span-id") == linked.ids["second"])
    page.click(f".wf-row[data-span-id='{linked.ids['root']}']")
    page.click(".span-detail .links a.trace-link")
    page.wait(lambda: page.hash() == f"#/trace/{target.trace_id}?span={target.ids['root']}")
    page.wait_text(".trace-head h1", "POST /checkout")
    page.wait(lambda: page.all(f".span-detail[data-span-id='{target.ids['root']}']"))
    page.driver.back()
    page.wait_text(".trace-head h1", "process batch")


def test_find_within_the_trace(page, server):
    trace = server.traces["checkout_declined"]
    open_trace(page, trace)
    page.find("input[name=find]").send_keys("charge")
    page.wait_text(".find-count", "1 of 2")
    assert row_ids(page, ".wf-row.match") == {trace.ids["charge-client"], trace.ids["charge"]}
    page.find("input[name=find]").send_keys(Keys.ENTER)
    page.wait_text(".find-count", "2 of 2")
    assert "find=charge" in page.hash()
    # Attribute values are searched too.
    page.find("input[name=find]").clear()
    page.find("input[name=find]").send_keys("CardDeclined")
    page.wait_text(".find-count", "1 of 1")
    assert row_ids(page, ".wf-row.match") == {trace.ids["charge"]}


def test_fold_and_unfold(page, server):
    trace = server.traces["checkout_ok"]
    open_trace(page, trace)
    page.wait(lambda: len(page.all(".wf-row")) == 8)
    page.click(f".wf-row[data-span-id='{trace.ids['server']}'] .toggle")
    page.wait(lambda: len(page.all(".wf-row")) == 3)
    assert "+5" in page.find(f".wf-row[data-span-id='{trace.ids['server']}']").text
    page.click(f".wf-row[data-span-id='{trace.ids['server']}'] .toggle")
    page.wait(lambda: len(page.all(".wf-row")) == 8)
    [button for button in page.all(".toolbar button") if button.text == "Collapse all"][0].click()
    page.wait(lambda: len(page.all(".wf-row")) == 1)
    [button for button in page.all(".toolbar button") if button.text == "Expand all"][0].click()
    page.wait(lambda: len(page.all(".wf-row")) == 8)


def test_downloads_are_the_trace_as_jaeger_and_otlp_json(page, server):
    trace = server.traces["checkout_ok"]
    open_trace(page, trace)
    jaeger = page.find(".toolbar a.download-jaeger")
    otlp = page.find(".toolbar a.download-otlp")
    assert jaeger.get_attribute("download") == f"trace-{trace.trace_id}.jaeger.json"
    with urllib.request.urlopen(jaeger.get_attribute("href"), timeout=10) as reply:
        body = json.load(reply)
    assert body["data"][0]["traceID"] == trace.trace_id and len(body["data"][0]["spans"]) == 8
    with urllib.request.urlopen(otlp.get_attribute("href"), timeout=10) as reply:
        body = json.load(reply)
    spans = [s for rs in body["result"]["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert {s["spanId"] for s in spans} == set(trace.ids.values())


def test_ten_thousand_span_trace_opens_and_scrolls(page, server):
    trace = server.traces["big"]
    assert trace.span_count == 10_000
    began = time.perf_counter()
    page.open(f"#/trace/{trace.trace_id}")
    page.wait(lambda: page.all(".wf-row") and page.all(".trace-facts .fact-spans dd"), 30)
    opened = time.perf_counter() - began
    assert fact(page, "spans") == "10,000" and fact(page, "errors") == "1"
    container = page.find(".page-trace")
    page.wait(lambda: container.get_attribute("data-render-ms"))
    parts = {name: container.get_attribute(f"data-{name}-ms") for name in ("fetch", "build", "render")}
    rendered = len(page.all(".wf-row"))
    assert rendered < 200, f"{rendered} rows in the DOM: the waterfall should draw only what is in view"
    # Scroll through the whole trace, 700 px a frame, then 120 frames at wheel speed (100 px);
    # time the frames of both.
    scroll = """
        const [by, limit, done] = arguments;
        const scroller = document.querySelector('.wf-scroll');
        const times = [];
        let last = performance.now();
        function step() {
          const now = performance.now();
          times.push(now - last);
          last = now;
          if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1 || times.length > limit) { done(times); return; }
          scroller.scrollTop += by;
          requestAnimationFrame(step);
        }
        requestAnimationFrame(step);
    """
    fast = sorted(page.driver.execute_async_script(scroll, 700, 400)[1:])
    last = trace.ids["b98i99"]
    page.wait(lambda: page.all(f".wf-row[data-span-id='{last}']"))
    assert len(page.all(".wf-row")) < 200
    page.driver.execute_script("document.querySelector('.wf-scroll').scrollTop = 100000")
    wheel = sorted(page.driver.execute_async_script(scroll, 100, 120)[1:])
    print(f"\n10,000-span trace: open {opened * 1000:.0f} ms wall (fetch and parse {parts['fetch']} ms, model {parts['build']} ms, "
          f"first paint {parts['render']} ms); frames scrolling 700 px/frame: median {fast[len(fast) // 2]:.1f} ms, "
          f"worst {fast[-1]:.1f} ms; 100 px/frame: median {wheel[len(wheel) // 2]:.1f} ms, worst {wheel[-1]:.1f} ms")
    # Find reaches a span deep in the trace and scrolls it into view.
    page.find("input[name=find]").send_keys("disk full")
    page.wait_text(".find-count", "1 of 1")
    page.wait(lambda: page.all(f".wf-row.current-match[data-span-id='{trace.ids['b42i7']}']"))
    page.click(".wf-row.current-match")
    page.wait_for(".span-detail")
    page.screenshot("trace-10000-spans")
