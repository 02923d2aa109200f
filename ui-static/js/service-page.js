// #/services/<name>?since=1h&operation=<op>: one service's latency percentiles and its rate and
// errors over time (for all its operations or one), and the table of its operations.
import { h, fill, loading, errorBox, empty, isAbort } from "./dom.js";
import * as api from "./api.js";
import * as router from "./router.js";
import * as format from "./format.js";
import { chip } from "./colors.js";
import { lineChart } from "./charts.js";
import { readSince, stepFor, windowPicker, sortableTable, quantileValue, toMicros, csvLink } from "./metrics-view.js";

const QUANTILES = [[0.5, "p50", "#4e79a7"], [0.95, "p95", "#f28e2b"], [0.99, "p99", "#e15759"]];

function readView(params) {
  return {
    since: readSince(params), operation: params.get("operation") ?? "",
    sort: params.get("sort") ?? "calls", desc: params.get("desc") !== "0",
  };
}

function viewParams(view) {
  return {
    since: view.since === "1h" ? "" : view.since, operation: view.operation,
    sort: view.sort === "calls" ? "" : view.sort, desc: view.desc ? "" : "0",
  };
}

function tiles(summary, quantiles) {
  const items = [
    ["Calls", format.count(summary.calls)], ["Rate", format.rate(summary.callRate)],
    ["Errors", format.percent(summary.errorRate)],
    ...QUANTILES.filter(([q]) => quantiles.includes(q)).map(([q, name]) => [name, format.ms(quantileValue(summary.latencyMs, q))]),
  ];
  return h("dl", { class: "tiles" }, items.map(([term, value]) =>
    h("div", { class: `tile tile-${term.toLowerCase()}` }, h("dt", {}, term),
      h("dd", { class: term === "Errors" && summary.errors ? "has-errors" : "" }, value))));
}

function charts(answer) {
  const series = answer.series ?? [];
  const times = series.map((point) => toMicros(point.time));
  const startUs = toMicros(answer.start), endUs = toMicros(answer.end);
  const step = answer.stepSeconds || 60;
  const latency = lineChart({
    title: "Latency", times, startUs, endUs, yFormat: (v) => format.ms(v),
    series: QUANTILES.map(([q, name, color]) => ({ name, color, values: series.map((p) => quantileValue(p.latencyMs, q)) })),
  });
  const traffic = lineChart({
    title: "Rate and errors", times, startUs, endUs, yFormat: (v) => format.rate(v),
    series: [
      { name: "calls/s", color: "#59a14f", values: series.map((p) => p.callRate ?? p.calls / step) },
      { name: "errors/s", color: "#e15759", values: series.map((p) => (p.errors ?? 0) / step) },
    ],
  });
  return { element: h("div", { class: "charts" }, latency.element, traffic.element),
    destroy: () => { latency.destroy(); traffic.destroy(); } };
}

export function mount(container, route) {
  const service = route.path[1];
  document.title = `${service} · Services · Skein`;
  let view = readView(route.params);
  let latencyRequest = null, operationsRequest = null;
  let drawn = null;
  let operations = null;
  const go = (next) => router.navigate(router.link(["services", service], viewParams(next)));

  const head = h("div", { class: "page-head" });
  const summary = h("div", { class: "service-summary" });
  const opsBox = h("section", { class: "operations", "aria-label": "operations" });
  fill(container, h("p", { class: "crumbs" }, h("a", { href: "#/services" }, "Services"), " / "), head, summary, opsBox);

  function renderHead() {
    const search = router.link(["search"], { service, operation: view.operation });
    fill(head, h("h1", {}, chip(service), view.operation ? h("span", { class: "operation" }, view.operation) : null),
      windowPicker(view.since, (since) => go({ ...view, since })),
      h("a", { class: "button", href: search }, "Search traces"),
      csvLink(api.csv.latency(service, { since: view.since, step: stepFor(view.since), operation: view.operation }), `${service}-latency.csv`),
      view.operation ? h("a", { class: "button", href: router.link(["services", service], viewParams({ ...view, operation: "" })) }, "All operations") : null);
  }

  function loadLatency() {
    latencyRequest?.abort();
    latencyRequest = new AbortController();
    drawn?.destroy();
    drawn = null;
    fill(summary, loading("Loading latency…"));
    api.serviceLatency(service, { since: view.since, step: stepFor(view.since), operation: view.operation }, latencyRequest.signal)
      .then((answer) => {
        drawn = charts(answer);
        const quantiles = (answer.quantiles ?? []).map(Number);
        fill(summary, tiles(answer.summary ?? {}, quantiles),
          (answer.summary?.calls ?? 0) === 0 ? empty(`No calls in the last ${format.windowName(view.since)}.`) : null, drawn.element);
      }).catch((error) => {
        if (isAbort(error)) return;
        fill(summary, errorBox(error.status === 404
          ? new Error(`Skein has no metrics for service "${service}"${view.operation ? ` and operation "${view.operation}"` : ""}.`)
          : error, "Latency could not be loaded"));
      });
  }

  function renderOperations() {
    if (!operations) return;
    const rows = operations.operations ?? [];
    const columns = [
      { key: "operation", label: "Operation", value: (r) => r.operation, cell: (r) => h("a", {
        href: router.link(["services", service], viewParams({ ...view, operation: r.operation })), class: "op-link",
      }, r.operation) },
      { key: "kind", label: "Kind", value: (r) => r.spanKind ?? "", cell: (r) => r.spanKind ?? "" },
      { key: "calls", label: "Calls", numeric: true, value: (r) => r.calls, cell: (r) => format.count(r.calls) },
      { key: "rate", label: "Rate", numeric: true, value: (r) => r.callRate, cell: (r) => format.rate(r.callRate) },
      { key: "errors", label: "Errors", numeric: true, value: (r) => r.errorRate,
        cell: (r) => h("span", { class: r.errors ? "has-errors" : "" }, format.percent(r.errorRate)) },
      { key: "p50", label: "p50", numeric: true, value: (r) => r.p50Ms, cell: (r) => format.ms(r.p50Ms) },
      { key: "p95", label: "p95", numeric: true, value: (r) => r.p95Ms, cell: (r) => format.ms(r.p95Ms) },
      { key: "p99", label: "p99", numeric: true, value: (r) => r.p99Ms, cell: (r) => format.ms(r.p99Ms) },
      { key: "traces", label: "", value: () => 0, cell: (r) => h("a", {
        href: router.link(["search"], { service, operation: r.operation, spanKind: r.spanKind }), class: "traces-link",
      }, "traces") },
    ];
    fill(opsBox, h("h2", {}, "Operations ", csvLink(api.csv.operations(service, view.since), `${service}-operations.csv`)), rows.length ? sortableTable({
      columns, rows, sortKey: view.sort, descending: view.desc,
      onSort: (sort, desc) => {
        view = { ...view, sort, desc };
        router.replace(router.link(["services", service], viewParams(view)));
        renderOperations();
      },
      rowProps: (r) => ({ "data-operation": r.operation, class: r.operation === view.operation ? "selected" : "" }),
    }) : empty("No operations with calls in this window."));
  }

  function loadOperations() {
    operationsRequest?.abort();
    operationsRequest = new AbortController();
    operations = null;
    fill(opsBox, h("h2", {}, "Operations"), loading("Loading operations…"));
    api.serviceOperations(service, view.since, operationsRequest.signal).then((answer) => {
      operations = answer;
      renderOperations();
    }).catch((error) => {
      if (!isAbort(error)) fill(opsBox, h("h2", {}, "Operations"), errorBox(error, "Operations could not be loaded"));
    });
  }

  renderHead();
  loadLatency();
  loadOperations();
  return {
    update(next) {
      const nextView = readView(next.params);
      const sinceChanged = nextView.since !== view.since;
      const operationChanged = nextView.operation !== view.operation;
      view = nextView;
      renderHead();
      if (sinceChanged || operationChanged) loadLatency();
      if (sinceChanged) loadOperations();
      else renderOperations();
      return true;
    },
    unmount() {
      latencyRequest?.abort();
      operationsRequest?.abort();
      drawn?.destroy();
    },
  };
}
