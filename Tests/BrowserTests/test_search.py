"""The search page: the default search, every filter of the form, sorting, the scatter plot."""

from selenium.webdriver.support.ui import Select

from conftest import WAIT


def result_ids(page):
    # One script call reads the list as it is at one moment; it is also called outside a wait,
    # for the failure message, where a re-rendered element would be stale.
    return page.driver.execute_script(
        "return Array.from(document.querySelectorAll('.trace-list .trace-item'), item => item.dataset.traceId)")


def wait_results(page, expected, message=""):
    """Waits until the list holds exactly `expected` (trace IDs, in order)."""
    page.wait(lambda: result_ids(page) == expected, WAIT, message or f"expected results {expected}, have {result_ids(page)}")


def ids(server, *names):
    return [server.traces[name].trace_id for name in names]


def newest_first(server):
    return [trace.trace_id for trace in reversed(list(server.traces.values()))]


def wait_option(page, select_name, value):
    page.wait_for(f"select[name={select_name}] option[value='{value}']")


def test_default_search_lists_every_seeded_trace(page, server):
    page.open("#/search")
    wait_results(page, newest_first(server))
    big = page.find(f".trace-item[data-trace-id='{server.traces['big'].trace_id}']")
    assert "import catalog" in big.text and "10,000 spans" in big.text and "1 error" in big.text
    declined = page.find(f".trace-item[data-trace-id='{server.traces['checkout_declined'].trace_id}']")
    assert "POST /checkout" in declined.text and "8 spans" in declined.text
    assert declined.find_element("css selector", ".error-count.has-errors").text == "2 errors"
    chips = [chip.text for chip in declined.find_elements("css selector", ".chips .chip")]
    assert sorted(chips) == ["checkout", "frontend", "inventory", "payment"]
    dots = page.all(".scatter circle.dot")
    assert sorted(dot.get_attribute("data-trace-id") for dot in dots) == sorted(newest_first(server))
    assert len(page.all(".scatter circle.dot.error")) == 2  # declined checkout, the big trace's failed write
    page.screenshot("search")


def test_form_filters_by_service_kind_and_operation(page, server):
    page.open("#/search")
    wait_results(page, newest_first(server))
    wait_option(page, "service", "frontend")
    Select(page.find("select[name=service]")).select_by_value("frontend")
    Select(page.find("select[name=spanKind]")).select_by_value("server")
    wait_option(page, "operation", "POST /checkout")
    assert not page.all("select[name=operation] option[value='GET cart/items']"), "client operations listed for kind server"
    Select(page.find("select[name=operation]")).select_by_value("POST /checkout")
    page.click(".search-form button.primary")
    wait_results(page, ids(server, "checkout_declined", "checkout_ok"))
    assert "service=frontend" in page.hash() and "operation=POST" in page.hash() and "spanKind=server" in page.hash()


def test_attribute_filter_with_autocomplete(page, server):
    page.open("#/search?service=frontend")
    wait_results(page, ids(server, "xss", "checkout_declined", "checkout_ok", "cart3", "cart2", "cart1"))
    page.wait_for("#tag-keys option[value='customer.tier']")
    page.find("input[name=tagKey]").send_keys("customer.tier")
    page.find("input[name=tagValue]").send_keys("gold")
    page.click(".search-form button.primary")
    wait_results(page, ids(server, "checkout_ok", "cart1"))
    assert "tag=customer.tier%3Dgold" in page.hash()
    # A second filter: both must hold on one span.
    page.click(".search-form .tags .link-button")
    page.all("input[name=tagKey]")[-1].send_keys("http.response.status_code")
    page.all("input[name=tagValue]")[-1].send_keys("201")
    page.click(".search-form button.primary")
    wait_results(page, ids(server, "checkout_ok"))


def test_duration_applies_to_a_span_or_the_whole_trace(page, server):
    page.open("#/search")
    wait_results(page, newest_first(server))
    page.find("input[name=minDuration]").send_keys("500ms")
    Select(page.find("select[name=durationOf]")).select_by_value("trace")
    page.click(".search-form button.primary")
    wait_results(page, ids(server, "big", "checkout_declined"))
    assert "minDuration=500ms" in page.hash() and "durationOf=trace" in page.hash()
    # Only the big trace has a span of at most 1 ms; no whole trace is that short.
    page.open("#/search?maxDuration=1ms")
    wait_results(page, ids(server, "big"))
    page.open("#/search?maxDuration=1ms&durationOf=trace")
    page.wait_text(".results .status.empty", "No traces match")
    assert result_ids(page) == []


def test_invalid_duration_is_refused_in_the_form(page):
    page.open("#/search")
    page.wait_for(".trace-list")
    page.find("input[name=minDuration]").send_keys("fast")
    page.click(".search-form button.primary")
    page.wait_text(".form-error", "is not a duration")
    assert "minDuration" not in page.hash()


def test_custom_range_and_limit_from_a_deep_link(page, server):
    cart1, cart2 = server.traces["cart1"], server.traces["cart2"]
    start_us, end_us = cart1.start_ns // 1000 - 30_000_000, cart2.start_ns // 1000 + 30_000_000
    page.open(f"#/search?range=custom&start={start_us}&end={end_us}")
    wait_results(page, ids(server, "cart2", "cart1"))
    assert Select(page.find("select[name=range]")).first_selected_option.get_attribute("value") == "custom"
    assert page.find(".custom-range").is_displayed()
    page.open("#/search?limit=3")
    wait_results(page, newest_first(server)[:3])
    page.wait_text(".results .hint", "3 most recent")


def test_sort_orders(page, server):
    page.open("#/search?sort=longest")
    wait_results(page, ids(server, "big", "checkout_declined", "checkout_ok", "linked", "cart3", "cart2", "cart1", "xss"))
    Select(page.find("select[name=sort]")).select_by_value("spans")
    wait_results(page, ids(server, "big", "checkout_declined", "checkout_ok", "cart3", "cart2", "cart1", "linked", "xss"))
    assert "sort=spans" in page.hash()
    Select(page.find("select[name=sort]")).select_by_value("newest")
    wait_results(page, newest_first(server))


def test_scatter_dot_opens_its_trace(page, server):
    page.open("#/search?service=cart")
    wait_results(page, ids(server, "cart3", "cart2", "cart1"))
    cart2 = server.traces["cart2"].trace_id
    page.click(f".scatter circle[data-trace-id='{cart2}']")
    page.wait(lambda: page.hash() == f"#/trace/{cart2}")
    page.wait_text(".trace-head h1", "GET /cart")
