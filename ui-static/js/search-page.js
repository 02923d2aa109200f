// #/search: the form, then the matching traces as a scatter plot and a sortable list.
import { h, fill, loading, errorBox, empty, select, isAbort } from "./dom.js";
import * as api from "./api.js";
import * as router from "./router.js";
import * as format from "./format.js";
import { chip } from "./colors.js";
import { scatterPlot } from "./scatter.js";
import { searchForm, readState, stateParams, apiParams, RANGES, SORTS } from "./search-form.js";

const SORTERS = {
  newest: (a, b) => b.startTime - a.startTime,
  longest: (a, b) => b.duration - a.duration,
  spans: (a, b) => b.spanCount - a.spanCount,
};

function traceItem(trace, maxDuration, nowUs) {
  const href = router.link(["trace", trace.traceID]);
  const width = maxDuration > 0 ? Math.max(0.5, (trace.duration / maxDuration) * 100) : 0;
  return h("li", { class: "trace-item", "data-trace-id": trace.traceID },
    h("a", { class: "trace-link", href },
      h("span", { class: "root" },
        trace.rootService ? chip(trace.rootService) : h("span", { class: "muted" }, "(no root span)"),
        h("strong", { class: "operation" }, trace.rootOperation || "(unknown operation)")),
      h("span", { class: "trace-id mono", title: trace.traceID }, format.shortID(trace.traceID))),
    h("div", { class: "facts" },
      h("span", { class: "duration" }, format.duration(trace.duration)),
      h("span", { class: "duration-bar", "aria-hidden": "true" }, h("span", { style: { width: `${width}%` } })),
      h("span", { class: "span-count" }, `${format.count(trace.spanCount)} span${trace.spanCount === 1 ? "" : "s"}`),
      h("span", { class: trace.errorCount ? "error-count has-errors" : "error-count" },
        `${format.count(trace.errorCount)} error${trace.errorCount === 1 ? "" : "s"}`),
      h("time", { class: "start", title: format.time(trace.startTime) },
        `${format.time(trace.startTime)} · ${format.ago(trace.startTime, nowUs)}`)),
    h("div", { class: "chips" }, trace.services.map((service) => chip(service))));
}

export function mount(container, route) {
  document.title = "Search · Skein";
  let state = readState(route.params);
  let search = null;
  let found = null;
  let searched = null;
  let plot = null;

  const go = (next) => {
    const hash = router.link(["search"], stateParams(next));
    if (hash === location.hash) run();
    else router.navigate(hash);
  };
  const form = searchForm(state, { onSubmit: go });
  const results = h("section", { class: "results", "aria-label": "search results" });
  container.append(h("div", { class: "search-layout" }, h("aside", { class: "sidebar" }, form.element), results));

  function run() {
    search?.abort();
    let request;
    try {
      request = apiParams(state);
    } catch (error) {
      fill(results, errorBox(error, "Invalid search"));
      return;
    }
    search = new AbortController();
    searched = request;
    plot?.destroy();
    plot = null;
    fill(results, loading("Searching…"));
    api.summaries(request.params, search.signal).then((items) => {
      found = items;
      render();
    }).catch((error) => {
      if (!isAbort(error)) fill(results, errorBox(error, "Search failed"));
    });
  }

  function render() {
    plot?.destroy();
    const rangeText = state.range === "custom"
      ? `${format.time(searched.start)} – ${format.time(searched.end)}`
      : RANGES.find(([value]) => value === state.range)[1].toLowerCase();
    const sortSelect = select("sort", SORTS, state.sort, { "aria-label": "sort results" });
    sortSelect.addEventListener("change", () => {
      state = { ...state, sort: sortSelect.value };
      router.replace(router.link(["search"], stateParams(state)));
      render();
    });
    const heading = h("div", { class: "results-head" },
      h("h2", {}, `${format.count(found.length)} trace${found.length === 1 ? "" : "s"}`,
        h("span", { class: "muted" }, ` · ${rangeText}`)),
      h("label", { class: "sort" }, "Sort ", sortSelect));
    if (!found.length) {
      fill(results, heading, empty("No traces match. Widen the time range or remove a filter."));
      return;
    }
    plot = scatterPlot(found, { onOpen: (id) => router.navigate(router.link(["trace", id])) });
    const sorted = [...found].sort(SORTERS[state.sort]);
    const maxDuration = Math.max(...found.map((t) => t.duration));
    const nowUs = Date.now() * 1_000;
    fill(results, heading, plot.element,
      found.length >= state.limit
        ? h("p", { class: "hint" }, `Showing the ${state.limit} most recent matches; raise the limit to see more.`) : null,
      h("ol", { class: "trace-list" }, sorted.map((trace) => traceItem(trace, maxDuration, nowUs))));
  }

  run();
  return {
    update(next) {
      const nextState = readState(next.params);
      const sameSearch = JSON.stringify({ ...nextState, sort: "" }) === JSON.stringify({ ...state, sort: "" });
      state = nextState;
      form.setState(state);
      if (sameSearch && found) render();
      else run();
      return true;
    },
    unmount() {
      search?.abort();
      form.destroy();
      plot?.destroy();
    },
  };
}
