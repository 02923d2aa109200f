"""A server with a query token and tenancy on: the viewer asks for the token and the tenant on
the first 401, keeps them for the tab, sends them on every request (the live tail's stream too),
and shows only that tenant's traces."""

import time

import pytest
import seed
from conftest import allow_console, serve

CONFIG = """
otlp: {auth: {token: ingest-token}}
query: {auth: {token: query-token}}
tenancy: {enabled: true}
"""
ACME = {"Authorization": "Bearer ingest-token", "X-Scope-OrgID": "acme"}


@pytest.fixture(scope="module")
def server():
    with serve(CONFIG, seed_headers=ACME) as running:
        yield running


def result_ids(page):
    return page.driver.execute_script(
        "return Array.from(document.querySelectorAll('.trace-list .trace-item'), item => item.dataset.traceId)")


def answer_dialog(page, token, tenant):
    page.wait_for("dialog.access-dialog[open]")
    page.find("dialog.access-dialog input[name=token]").clear()
    page.find("dialog.access-dialog input[name=token]").send_keys(token)
    page.find("dialog.access-dialog input[name=tenant]").clear()
    page.find("dialog.access-dialog input[name=tenant]").send_keys(tenant)
    page.click("dialog.access-dialog button.primary")


@allow_console("401")
def test_the_viewer_asks_once_and_keeps_the_credentials_for_the_tab(page, server):
    page.open("#/search")
    page.driver.execute_script("sessionStorage.clear()")
    page.open("#/search")
    # A wrong token is refused, and the dialog says so.
    answer_dialog(page, "wrong", "acme")
    page.wait_text("dialog.access-dialog .access-reason", "not valid")
    page.screenshot("access-dialog")
    answer_dialog(page, "query-token", "acme")
    expected = sorted(trace.trace_id for trace in server.traces.values())
    page.wait(lambda: sorted(result_ids(page)) == expected, message=f"results are {result_ids(page)}")
    assert page.find("#access-button").text == "Tenant: acme"

    # Another page, then a reload: no second question.
    page.driver.refresh()
    page.wait(lambda: sorted(result_ids(page)) == expected, message="the search did not load after a reload")
    assert not page.all("dialog.access-dialog[open]")

    # Another tenant, entered with the header button, sees none of acme's traces.
    page.click("#access-button")
    answer_dialog(page, "query-token", "globex")
    page.wait_for(".trace-list, .empty, .status")
    page.wait(lambda: page.find("#access-button").text == "Tenant: globex")
    page.wait(lambda: result_ids(page) == [] and page.all(".page-search .empty"), message=f"globex sees {result_ids(page)}")


def test_the_live_tail_stream_carries_the_credentials(page, server):
    page.open("#/live")
    if page.all("dialog.access-dialog[open]"):
        answer_dialog(page, "query-token", "acme")
    page.driver.execute_script("""sessionStorage.setItem('skein.access', JSON.stringify(
        {token: 'query-token', tenant: 'acme', tenantHeader: 'X-Scope-OrgID'}))""")
    page.open("#/live")
    page.wait(lambda: page.find(".live-status").get_attribute("data-state") == "connected", message="the stream did not connect")
    other = seed.Trace(f"globex-{time.time_ns()}", time.time_ns())
    other.span("root", "mail", "send", 0, 5)
    seed.send(server.ports["http"], other, {**ACME, "X-Scope-OrgID": "globex"})
    mine = seed.Trace(f"acme-{time.time_ns()}", time.time_ns())
    mine.span("root", "cart", "GET /cart", 0, 12)
    seed.send(server.ports["http"], mine, ACME)
    rows = lambda: page.driver.execute_script(
        "return Array.from(document.querySelectorAll('table.live-spans tbody tr'), row => row.dataset.traceId)")
    page.wait(lambda: rows()[:1] == [mine.trace_id], message=f"rows are {rows()}")
    assert other.trace_id not in rows()
