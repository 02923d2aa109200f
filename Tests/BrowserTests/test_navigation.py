"""Deep links, back and forward, the trace-ID box, messages instead of blank pages, and the
dark colour scheme."""

from conftest import allow_console


def test_back_and_forward_between_search_and_trace(page, server):
    cart1 = server.traces["cart1"]
    page.open("#/search?service=cart")
    page.click(f".trace-item[data-trace-id='{cart1.trace_id}'] a.trace-link")
    page.wait_text(".trace-head h1", "GET /cart")
    assert page.hash() == f"#/trace/{cart1.trace_id}"
    page.driver.back()
    page.wait_for(f".trace-item[data-trace-id='{cart1.trace_id}']")
    assert page.hash() == "#/search?service=cart"
    assert page.find("select[name=service]").get_attribute("value") == "cart"
    page.driver.forward()
    page.wait_text(".trace-head h1", "GET /cart")
    page.click("header.top nav a[data-page=search]")
    page.wait(lambda: page.hash() == "#/search")
    page.wait(lambda: page.find("header.top nav a[data-page=search]").get_attribute("aria-current") == "page",
              message="the search tab is not marked current")


def test_open_a_trace_by_id(page, server):
    trace = server.traces["linked"]
    page.open("#/search")
    page.wait_for(".trace-list")
    box = page.find("#open-trace input")
    box.send_keys(trace.trace_id.upper())
    page.click("#open-trace button")
    page.wait_text(".trace-head h1", "process batch")
    assert page.hash() == f"#/trace/{trace.trace_id}"


@allow_console("status of 404", "status of 400")
def test_messages_instead_of_blank_pages(page):
    page.open("#/no/such/view")
    page.wait_text(".page h1", "No such view")
    page.open("#/trace/0123456789abcdef0123456789abcdef")
    page.wait_text(".page h1", "Trace not found")
    page.open("#/trace/not-hex")
    page.wait_text(".status.error", "malformed trace ID")


def test_dark_scheme_follows_the_system(page, server):
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    page.open(f"#/trace/{server.traces['checkout_declined'].trace_id}")
    page.wait_for(".wf-row")
    background = page.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    red, green, blue = [int(part) for part in background[background.index("(") + 1:background.index(")")].split(",")[:3]]
    assert red + green + blue < 150, f"background {background} is not dark"
    page.screenshot("trace-dark")
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    background = page.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(255, 255, 255)"
