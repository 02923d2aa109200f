// #/services?since=1h&sort=p95&desc=1: every service's rate, error share and latency percentiles.
import { h, fill, loading, errorBox, empty, isAbort } from "./dom.js";
import * as api from "./api.js";
import * as router from "./router.js";
import * as format from "./format.js";
import { chip } from "./colors.js";
import { readSince, windowPicker, sortableTable, csvLink } from "./metrics-view.js";

const COLUMNS = [
  { key: "service", label: "Service", value: (r) => r.service, cell: (r) => chip(r.service, { linked: true }) },
  { key: "calls", label: "Calls", numeric: true, value: (r) => r.calls, cell: (r) => format.count(r.calls) },
  { key: "rate", label: "Rate", numeric: true, value: (r) => r.callRate, cell: (r) => format.rate(r.callRate) },
  { key: "errors", label: "Errors", numeric: true, value: (r) => r.errorRate,
    cell: (r) => h("span", { class: r.errors ? "has-errors" : "" }, format.percent(r.errorRate)) },
  { key: "p50", label: "p50", numeric: true, value: (r) => r.p50Ms, cell: (r) => format.ms(r.p50Ms) },
  { key: "p95", label: "p95", numeric: true, value: (r) => r.p95Ms, cell: (r) => format.ms(r.p95Ms) },
  { key: "p99", label: "p99", numeric: true, value: (r) => r.p99Ms, cell: (r) => format.ms(r.p99Ms) },
];

function readView(params) {
  const sort = COLUMNS.some((c) => c.key === params.get("sort")) ? params.get("sort") : "service";
  return { since: readSince(params), sort, desc: params.get("desc") === "1" };
}

const viewParams = (view) => ({
  since: view.since === "1h" ? "" : view.since, sort: view.sort === "service" ? "" : view.sort, desc: view.desc ? "1" : "",
});

export function mount(container, route) {
  document.title = "Services · Skein";
  let view = readView(route.params);
  let controller = null;
  let answer = null;
  const body = h("div", { class: "services-body" });

  function render() {
    const picker = windowPicker(view.since, (since) => router.navigate(router.link(["services"], viewParams({ ...view, since }))));
    const head = h("div", { class: "page-head" }, h("h1", {}, "Services"), picker,
      csvLink(api.csv.services(view.since), `services-${view.since}.csv`));
    if (!answer) {
      fill(container, head, body);
      return;
    }
    const rows = answer.services ?? [];
    const table = rows.length ? sortableTable({
      columns: COLUMNS, rows, sortKey: view.sort, descending: view.desc,
      caption: `Server and consumer spans from ${format.time(answer.startUs)} to ${format.time(answer.endUs)}`,
      onSort: (sort, desc) => {
        view = { ...view, sort, desc };
        router.replace(router.link(["services"], viewParams(view)));
        render();
      },
      rowProps: (r) => ({ "data-service": r.service }),
    }) : empty(`No calls in the last ${format.windowName(view.since)}. Services appear once they send server or consumer spans.`);
    fill(body, table);
    fill(container, head, body);
  }

  function load() {
    controller?.abort();
    controller = new AbortController();
    answer = null;
    render();
    fill(body, loading("Loading service metrics…"));
    api.serviceMetrics(view.since, controller.signal).then((result) => {
      answer = { ...result, startUs: Date.parse(result.start) * 1_000, endUs: Date.parse(result.end) * 1_000 };
      render();
    }).catch((error) => {
      if (!isAbort(error)) fill(body, errorBox(error, "Service metrics could not be loaded"));
    });
  }

  load();
  return {
    update(next) {
      const nextView = readView(next.params);
      const reload = nextView.since !== view.since;
      view = nextView;
      if (reload) load();
      else render();
      return true;
    },
    unmount() { controller?.abort(); },
  };
}
