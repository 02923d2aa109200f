"""Span data is text: HTML in an operation name, an attribute, an event or a resource shows as
written and never runs."""

from selenium.common.exceptions import NoAlertPresentException

from seed import XSS_OPERATION, XSS_VALUE


def assert_nothing_ran(page):
    assert page.driver.execute_script("return window.__xss") is None, "markup from span data ran"
    assert page.all("img[src='x']") == [], "an <img> from span data was created"
    try:
        alert = page.driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        raise AssertionError(f"an alert fired: {text}")
    except NoAlertPresentException:
        pass


def test_html_in_span_data_shows_as_text(page, server):
    trace = server.traces["xss"]
    page.open(f"#/trace/{trace.trace_id}?span={trace.ids['root']}")
    detail = page.wait_for(".span-detail")
    assert detail.find_element("css selector", "h3").text == XSS_OPERATION
    values = [cell.text for cell in detail.find_elements("css selector", "table.kv td")]
    assert values.count(XSS_VALUE) == 3  # the attribute, the event field, the resource attribute
    assert XSS_OPERATION in page.find(".trace-head h1").text
    assert XSS_OPERATION in page.find(".wf-row .op").text
    assert_nothing_ran(page)
    page.screenshot("trace-html-as-text")


def test_html_in_search_results_shows_as_text(page, server):
    trace = server.traces["xss"]
    page.open("#/search?service=frontend")
    item = page.wait_for(f".trace-item[data-trace-id='{trace.trace_id}']")
    assert XSS_OPERATION in item.text
    assert_nothing_ran(page)
