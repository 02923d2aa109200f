// #/live?service=&operation=&error=1: spans as they are stored (the /api/v1/tail event stream),
// newest first, and the alerts that are pending or firing.
import { h, fill, empty, errorBox, field, select, isAbort } from "./dom.js";
import * as api from "./api.js";
import * as router from "./router.js";
import * as format from "./format.js";
import { chip } from "./colors.js";

const MAX_ROWS = 500;
const ALERTS_EVERY_MS = 15_000;

function readFilter(params) {
  const service = params.get("service") ?? "";
  return { service, operation: service ? params.get("operation") ?? "" : "", error: params.get("error") === "1" };
}

const filterParams = (filter) => ({ service: filter.service, operation: filter.operation, error: filter.error ? "1" : "" });
const streamParams = (filter) => ({ service: filter.service, operation: filter.operation, error: filter.error ? "true" : "" });

/** A value in the unit of its metric: ms for latency, a share for error rates, calls/s. */
function metricValue(metric, value) {
  if (metric === "latency") return format.ms(value);
  if (metric === "call_rate") return format.rate(value);
  return format.percent(value);
}

function spanRow(span) {
  const link = router.link(["trace", span.traceID], { span: span.spanID });
  return h("tr", { class: span.error ? "error" : "", dataset: { traceId: span.traceID, spanId: span.spanID } },
    h("td", { class: "when" }, format.clock(span.startTime), `.${String(Math.floor(span.startTime / 1_000) % 1_000).padStart(3, "0")}`),
    h("td", {}, chip(span.service)),
    h("td", { class: "operation" }, h("a", { class: "trace-link", href: link }, span.operation)),
    h("td", { class: "kind" }, span.kind),
    h("td", { class: "num" }, format.duration(span.duration)),
    h("td", { class: "flag" }, span.error ? h("span", { class: "has-errors", title: "status ERROR" }, "error") : ""));
}

function alertItem(alert) {
  const since = alert.firingSince ?? alert.activeSince;
  return h("li", { class: `alert ${alert.state}`, dataset: { rule: alert.rule, state: alert.state } },
    h("span", { class: "state" }, alert.state),
    h("span", { class: "severity" }, alert.severity),
    h("strong", { class: "rule" }, alert.rule),
    h("span", { class: "summary" }, alert.annotations?.summary ?? ""),
    h("span", { class: "value" }, `${metricValue(alert.metric, alert.value)} ${alert.comparison} ${metricValue(alert.metric, alert.threshold)}`),
    h("span", { class: "since", title: since }, `since ${format.ago(Date.parse(since) * 1_000)}`));
}

export function mount(container, route) {
  document.title = "Live · Skein";
  let filter = readFilter(route.params);
  let source = null;
  let paused = false;
  let received = 0;
  let dropped = 0;
  let heldWhilePaused = 0;
  let pending = [];
  let frame = 0;
  let alertsTimer = 0;
  let alertsController = null;
  const lookups = new AbortController();
  let stopped = false;

  const serviceSelect = select("service", [["", "All services"]], filter.service);
  const operationSelect = select("operation", [["", "All operations"]], filter.operation);
  const errorsBox = h("input", { type: "checkbox", name: "error", checked: filter.error });
  const form = h("form", { class: "live-form" },
    field("Service", serviceSelect),
    field("Operation", operationSelect),
    h("label", { class: "check" }, errorsBox, " Errors only"),
    h("button", { class: "primary", type: "submit" }, "Apply"));
  const pauseButton = h("button", { type: "button", class: "pause", "aria-pressed": "false" }, "Pause");
  const status = h("p", { class: "live-status", role: "status" });
  const rows = h("tbody");
  const table = h("table", { class: "data live-spans" },
    h("thead", {}, h("tr", {}, ["Start", "Service", "Operation", "Kind", "Duration", ""].map((label) => h("th", {}, label)))),
    rows);
  const listEmpty = empty("Waiting for spans… they appear here as they are stored.");
  const alertsBody = h("div", { class: "alerts-body" });
  fill(container,
    h("div", { class: "page-head" }, h("h1", {}, "Live"), pauseButton),
    form,
    h("section", { class: "live-alerts", "aria-label": "alerts" }, h("h2", {}, "Alerts"), alertsBody),
    h("section", { class: "live-stream", "aria-label": "live spans" }, status, listEmpty, table));
  table.hidden = true;

  let state = "connecting";
  let problem = "";
  function renderStatus() {
    const parts = [];
    if (state === "connected") parts.push("Connected");
    else if (state === "connecting") parts.push("Connecting…");
    else if (state === "reconnecting") parts.push("Connection lost; reconnecting…");
    else parts.push(`Not connected: ${problem}`);
    parts.push(`${format.count(received)} spans received`);
    if (dropped) parts.push(`${format.count(dropped)} dropped (the viewer fell behind)`);
    if (paused) parts.push(`paused: ${format.count(heldWhilePaused)} arrived meanwhile`);
    status.className = `live-status ${state}`;
    status.dataset.state = state;
    status.textContent = parts.join(" · ");
  }

  function flush() {
    frame = 0;
    if (!pending.length) return;
    const newest = pending.slice(-MAX_ROWS).reverse();
    pending = [];
    rows.prepend(...newest.map(spanRow));
    while (rows.children.length > MAX_ROWS) rows.lastElementChild.remove();
    table.hidden = false;
    listEmpty.hidden = true;
  }

  function connect() {
    source?.close();
    state = "connecting";
    renderStatus();
    let stream = null;
    const retry = (nextState, message, delay) => {
      if (source !== stream) return;
      state = nextState;
      problem = message;
      renderStatus();
      setTimeout(() => { if (source === stream) connect(); }, delay);
    };
    stream = api.openTail(streamParams(filter), {
      onOpen: () => {
        state = "connected";
        renderStatus();
      },
      onEvent: (type, data) => {
        if (type === "span") {
          received += 1;
          if (paused) {
            heldWhilePaused += 1;
          } else {
            pending.push(JSON.parse(data));
            if (!frame) frame = requestAnimationFrame(flush);
          }
        } else if (type === "dropped") {
          dropped += JSON.parse(data).dropped ?? 0;
        }
        renderStatus();
      },
      // The server refused (400, 401 or 503) and said why: try again later.
      onRefused: (message) => retry("failed", message, 5_000),
      // An open stream ended (the server restarted): reconnect as EventSource would.
      onLost: () => retry("reconnecting", "", 3_000),
    });
    source = stream;
  }

  function loadAlerts() {
    alertsController?.abort();
    alertsController = new AbortController();
    api.alerts(alertsController.signal).then((answer) => {
      const alerts = answer.data ?? [];
      fill(alertsBody, alerts.length
        ? h("ul", { class: "alert-list" }, alerts.map(alertItem))
        : empty("No alerts are pending or firing."));
    }).catch((error) => {
      if (!isAbort(error)) fill(alertsBody, errorBox(error, "Alerts could not be loaded"));
    }).finally(() => {
      clearTimeout(alertsTimer);
      if (!stopped) alertsTimer = setTimeout(loadAlerts, ALERTS_EVERY_MS);
    });
  }

  function loadOperations() {
    const current = filter.operation;
    fill(operationSelect, h("option", { value: "" }, "All operations"));
    operationSelect.disabled = !serviceSelect.value;
    if (!serviceSelect.value) return;
    api.operations(serviceSelect.value, "", lookups.signal).then((operations) => {
      const names = [...new Set(operations.map((o) => o.name))].sort();
      for (const name of names) operationSelect.append(h("option", { value: name, selected: name === current }, name));
    }).catch((error) => { if (!isAbort(error)) throw error; });
  }

  api.services(lookups.signal).then((services) => {
    for (const service of [...services].sort()) serviceSelect.append(h("option", { value: service, selected: service === filter.service }, service));
    loadOperations();
  }).catch((error) => { if (!isAbort(error)) fill(alertsBody, errorBox(error, "Services could not be loaded")); });

  serviceSelect.addEventListener("change", () => {
    filter = { ...filter, operation: "" };
    loadOperations();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    router.navigate(router.link(["live"], filterParams({
      service: serviceSelect.value, operation: serviceSelect.value ? operationSelect.value : "", error: errorsBox.checked,
    })));
  });
  pauseButton.addEventListener("click", () => {
    paused = !paused;
    heldWhilePaused = 0;
    pauseButton.textContent = paused ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", String(paused));
    renderStatus();
  });

  connect();
  loadAlerts();
  return {
    update(next) {
      const nextFilter = readFilter(next.params);
      if (JSON.stringify(nextFilter) === JSON.stringify(filter) && source) return true;
      filter = nextFilter;
      serviceSelect.value = filter.service;
      errorsBox.checked = filter.error;
      loadOperations();
      fill(rows);
      pending = [];
      received = 0;
      dropped = 0;
      table.hidden = true;
      listEmpty.hidden = false;
      connect();
      return true;
    },
    unmount() {
      stopped = true;
      const stream = source;
      source = null;
      stream?.close();
      cancelAnimationFrame(frame);
      clearTimeout(alertsTimer);
      alertsController?.abort();
      lookups.abort();
    },
  };
}
