// #/trace/<id>?span=<spanID>&find=<text>: the trace header, the toolbar (find, critical path,
// fold, downloads), the waterfall and the selected span's details.
import { h, fill, loading, errorBox, isAbort } from "./dom.js";
import * as api from "./api.js";
import * as router from "./router.js";
import * as format from "./format.js";
import { chip } from "./colors.js";
import { buildTrace, findSpans } from "./trace-model.js";
import { Waterfall } from "./waterfall.js";
import { spanDetail } from "./span-detail.js";

function header(model) {
  const root = model.mainRoot;
  const facts = [
    ["Start", format.time(model.start)], ["Duration", format.duration(model.duration)],
    ["Services", format.count(model.services.length)], ["Depth", format.count(model.depth)],
    ["Spans", format.count(model.spans.length)], ["Errors", format.count(model.errorCount)],
  ];
  return h("header", { class: "trace-head" },
    h("h1", {}, root ? chip(root.service) : null, h("span", { class: "operation" }, root ? root.operation : "(empty trace)")),
    h("div", { class: "trace-id mono" }, "Trace ", h("span", { class: "id" }, model.traceID)),
    h("dl", { class: "trace-facts" }, facts.map(([term, value]) =>
      h("div", { class: `fact fact-${term.toLowerCase()}` }, h("dt", {}, term),
        h("dd", { class: term === "Errors" && model.errorCount ? "has-errors" : "" }, value)))),
    h("div", { class: "chips" }, model.services.map((service) =>
      chip(service.name, { linked: true, title: `${service.name}: ${service.spans} spans, ${service.errors} errors` }))),
    model.warnings.length ? h("ul", { class: "warnings" }, model.warnings.map((w) => h("li", {}, w))) : null);
}

function traceView(container, model, traceID) {
  let selected = null;
  let matches = [];
  let current = -1;
  let findText = "";
  const detail = h("div", { class: "detail-slot" });
  const waterfall = new Waterfall(model, { onSelect: (span) => { select(span, false); remember(); } });

  const remember = () => router.replace(router.link(["trace", traceID], { span: selected?.id, find: findText }));

  function select(span, reveal) {
    selected = span;
    waterfall.setSelected(span);
    if (span) {
      detail.replaceChildren(spanDetail(model, span, { onClose: () => { select(null); remember(); } }));
      if (reveal) waterfall.reveal(span);
    } else detail.replaceChildren();
    container.classList.toggle("has-detail", Boolean(span));
  }

  const findInput = h("input", { type: "search", name: "find", placeholder: "Find in trace: service, operation, attribute…", "aria-label": "find in trace", autocomplete: "off" });
  const findCount = h("span", { class: "find-count", "aria-live": "polite" });
  function showMatch() {
    const span = matches[current] ?? null;
    waterfall.setMatches(matches, span);
    findCount.textContent = !findText ? "" : matches.length ? `${current + 1} of ${format.count(matches.length)}` : "no match";
    if (span) waterfall.reveal(span);
  }
  function find(text) {
    findText = text;
    matches = findSpans(model, text);
    current = matches.length ? 0 : -1;
    showMatch();
  }
  const step = (by) => {
    if (!matches.length) return;
    current = (current + by + matches.length) % matches.length;
    showMatch();
  };
  let debounce = 0;
  findInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { find(findInput.value); remember(); }, 150);
  });
  findInput.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(debounce);
    if (findInput.value !== findText) { find(findInput.value); remember(); } else step(event.shiftKey ? -1 : 1);
  });

  const critical = h("input", { type: "checkbox", name: "critical", checked: true });
  critical.addEventListener("change", () => waterfall.setCritical(critical.checked));
  const toolbar = h("div", { class: "toolbar" },
    h("div", { class: "find" }, findInput, findCount,
      h("button", { type: "button", title: "previous match", "aria-label": "previous match", onclick: () => step(-1) }, "↑"),
      h("button", { type: "button", title: "next match", "aria-label": "next match", onclick: () => step(1) }, "↓")),
    h("label", { class: "critical-toggle", title: `${model.criticalCount} spans on the critical path` }, critical,
      h("span", { class: "crit-swatch", "aria-hidden": "true" }), " Critical path"),
    h("button", { type: "button", onclick: () => waterfall.expandAll() }, "Expand all"),
    h("button", { type: "button", onclick: () => waterfall.collapseAll() }, "Collapse all"),
    h("span", { class: "downloads" }, "Download ",
      h("a", { href: api.downloads.jaeger(traceID), download: `trace-${model.traceID}.jaeger.json`, class: "download-jaeger" }, "Jaeger JSON"),
      " · ",
      h("a", { href: api.downloads.otlp(traceID), download: `trace-${model.traceID}.otlp.json`, class: "download-otlp" }, "OTLP JSON")));

  fill(container, header(model), toolbar, h("div", { class: "trace-body" }, waterfall.element, detail));

  function apply(params) {
    const text = params.get("find") ?? "";
    if (text !== findText) {
      findInput.value = text;
      find(text);
    }
    const id = params.get("span");
    const span = id ? model.span(id) : null;
    if (span !== selected) select(span, true);
  }
  return { apply, destroy: () => { clearTimeout(debounce); waterfall.destroy(); } };
}

export function mount(container, route) {
  const traceID = route.path[1];
  document.title = `Trace ${format.shortID(traceID)} · Skein`;
  const controller = new AbortController();
  let view = null;
  let pending = route;
  fill(container, loading(`Loading trace ${traceID}…`));
  const began = performance.now();
  api.trace(traceID, controller.signal).then((raw) => {
    const fetched = performance.now();
    const model = buildTrace(raw);
    const built = performance.now();
    document.title = `${model.mainRoot ? `${model.mainRoot.service}: ${model.mainRoot.operation}` : "Trace"} · Skein`;
    view = traceView(container, model, traceID);
    view.apply(pending.params);
    // How long the parts took, for anyone measuring big traces (the browser tests print it).
    container.dataset.fetchMs = Math.round(fetched - began);
    container.dataset.buildMs = Math.round(built - fetched);
    requestAnimationFrame(() => { container.dataset.renderMs = Math.round(performance.now() - built); });
  }).catch((error) => {
    if (isAbort(error)) return;
    if (error.status === 404) {
      fill(container, h("h1", {}, "Trace not found"), errorBox(
        new Error(`No trace ${traceID} is stored. It may be older than the retention period, or its spans have not arrived yet.`)),
      h("p", {}, h("a", { href: "#/search" }, "Search traces")));
    } else fill(container, errorBox(error, `Trace ${traceID} could not be loaded`));
  });
  return {
    update(next) {
      pending = next;
      view?.apply(next.params);
      return true;
    },
    unmount() {
      controller.abort();
      view?.destroy();
    },
  };
}
