"""Fixtures for the viewer's browser tests: a real `skein serve` on free 127.0.0.1 ports serving
this checkout's ui-static/, seeded with the traces in seed.py; one headless Chromium (Debian's
chromium and chromedriver, both paths passed explicitly) that can reach 127.0.0.1 only; a
check that no test leaves a JavaScript error in the browser console; screenshots."""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import seed

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKEIN = os.environ.get("SKEIN_BINARY", os.path.join(REPO, ".build", "debug", "skein"))
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS", os.path.join(REPO, ".build", "browser-screenshots"))
WAIT = 15  # seconds any single wait may take


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, ports, traces):
        self.ports = ports
        self.traces = traces
        self.base = f"http://127.0.0.1:{ports['query']}"

    def get(self, path, headers=None):
        """(status, parsed JSON or None) of a GET on the query port."""
        try:
            request = urllib.request.Request(self.base + path, headers=headers or {})
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, None

    def endpoint_exists(self, path):
        return self.get(path)[0] != 404


@pytest.fixture(scope="session")
def server():
    with serve() as running:
        yield running


@contextlib.contextmanager
def serve(config_yaml="", seed_headers=None):
    """A seeded server; `config_yaml` becomes its --config file (test_live.py adds alert rules),
    `seed_headers` go with every seeding request (test_access.py's token and tenant)."""
    ports = {"grpc": free_port(), "http": free_port(), "query": free_port()}
    data = tempfile.mkdtemp(prefix="skein-browser-")
    config = os.path.join(data, "skein.yaml")
    with open(config, "w") as file:
        file.write(config_yaml)
    process = subprocess.Popen(
        [SKEIN, "serve", "--config", config, "--data-dir", os.path.join(data, "store"), "--log-level", "warning",
         "--ui-dir", os.path.join(REPO, "ui-static"),
         "--otlp-grpc-listen", f"127.0.0.1:{ports['grpc']}",
         "--otlp-http-listen", f"127.0.0.1:{ports['http']}",
         "--query-listen", f"127.0.0.1:{ports['query']}"])
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{ports['query']}/healthz", timeout=1)
                break
            except OSError:
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{SKEIN} did not start")
                time.sleep(0.1)
        began = time.time()
        traces = seed.build(time.time_ns())
        for trace in traces.values():
            seed.send(ports["http"], trace, seed_headers)
        print(f"\nseeded {sum(t.span_count for t in traces.values())} spans in {len(traces)} traces "
              f"in {time.time() - began:.2f} s")
        yield Server(ports, traces)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1440,1000", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-default-apps",
                     "--disable-features=Translate,OptimizationHints,MediaRouter",
                     # Only 127.0.0.1 resolves: the viewer must need nothing from elsewhere.
                     "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(30)
    browser.set_script_timeout(15)
    try:
        yield browser
    finally:
        browser.quit()


class Page:
    """The browser pointed at the viewer, with the waits the tests share."""

    def __init__(self, driver, server):
        self.driver = driver
        self.server = server

    def open(self, hash_path):
        """Loads the viewer afresh at a deep link such as '#/trace/abc'."""
        self.driver.get("about:blank")
        self.driver.get(f"{self.server.base}/{hash_path}")

    def wait(self, condition, timeout=WAIT, message=""):
        # A page re-renders while a condition reads it: an element found a moment ago can be gone
        # (stale) by the time its attribute is read, which only means "not yet" (seen in CI).
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05,
                             ignored_exceptions=[StaleElementReferenceException]).until(lambda d: condition(), message)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css, timeout=WAIT):
        """Clicks the element matching css, finding it again if the page re-rendered it between
        the find and the click (a chart redraws when its container's width settles)."""
        self.wait(lambda: self.find(css).click() or True, timeout, f"could not click {css}")

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for(self, css, timeout=WAIT):
        return self.wait(lambda: self.all(css)[0] if self.all(css) else None, timeout, f"no element matches {css}")

    def wait_text(self, css, text, timeout=WAIT):
        def found():
            for element in self.all(css):
                if text in element.text:
                    return element
            return None
        return self.wait(found, timeout, f"no {css} shows {text!r}")

    def hash(self):
        return self.driver.execute_script("return location.hash")

    def screenshot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        self.driver.save_screenshot(path)
        return path

    def console_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture
def page(driver, server, request):
    view = Page(driver, server)
    driver.get("about:blank")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    view.console_errors()  # drain what earlier tests left
    yield view
    allowed = getattr(request.function, "allowed_console", ())
    errors = [e for e in view.console_errors() if not any(pattern in e["message"] for pattern in allowed)]
    assert errors == [], f"JavaScript console errors: {errors}"


def allow_console(*patterns):
    """Marks console messages a test provokes on purpose (e.g. the 404 of a missing trace)."""
    def mark(function):
        function.allowed_console = patterns
        return function
    return mark

