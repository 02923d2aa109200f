// #/dependencies?since=1h: the service graph (calls and error share on each edge; a service opens
// its page) and the same edges as a table.
import { h, s, fill, loading, errorBox, empty, isAbort } from "./dom.js";
import * as api from "./api.js";
import * as router from "./router.js";
import * as format from "./format.js";
import { chip, serviceColor } from "./colors.js";
import { layoutGraph } from "./graph-layout.js";
import { readSince, windowPicker, sortableTable, csvLink } from "./metrics-view.js";

const LANE = 16; // vertical room per edge drawn against the flow, below the graph

function shorten(name, max = 22) {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

function callsText(edge) {
  return `${format.count(edge.calls)} call${edge.calls === 1 ? "" : "s"}`;
}

function edgeLabel(edge) {
  return callsText(edge) + (edge.errors ? ` · ${format.percent(edge.errorRate)} errors` : "");
}

function mid(p0, p1, p2, p3) {
  // The point of a cubic Bézier curve at t = 0.5.
  return [(p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) / 8, (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) / 8];
}

/** The path of one edge and where its label goes. */
function route(edge, a, b, w, nh, lane) {
  if (edge.parent === edge.child) {
    // A service calling itself: a loop over the node's right end.
    const p0 = [a.x + w - 30, a.y], p1 = [a.x + w + 10, a.y - 40], p2 = [a.x + w + 50, a.y + nh / 2], p3 = [a.x + w, a.y + nh / 2];
    return { d: `M${p0}C${p1} ${p2} ${p3}`, at: [a.x + w + 14, a.y - 20] };
  }
  if (b.layer <= a.layer) {
    // Against the flow (a cycle): out of the caller's left side, along a lane under the whole
    // graph, up the gap right of the callee and into its right side, so it crosses no node.
    const out = a.x - 22, into = b.x + w + 22, y0 = a.y + nh * 0.75, y1 = b.y + nh * 0.75;
    return { d: `M${a.x},${y0}H${out}V${lane}H${into}V${y1}H${b.x + w}`, at: [(out + into) / 2, lane] };
  }
  const p0 = [a.x + w, a.y + nh / 2], p3 = [b.x, b.y + nh / 2];
  const bend = (p3[0] - p0[0]) / 2;
  const p1 = [p0[0] + bend, p0[1]], p2 = [p3[0] - bend, p3[1]];
  return { d: `M${p0}C${p1} ${p2} ${p3}`, at: mid(p0, p1, p2, p3) };
}

function arrow(id, error) {
  return s("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9,
    markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" },
  s("path", { d: "M0,0L10,5L0,10z", class: error ? "arrow error" : "arrow" }));
}

function graph(edges) {
  const names = [...new Set(edges.flatMap((e) => [e.parent, e.child]))];
  const layout = layoutGraph(names, edges.map((e) => ({ from: e.parent, to: e.child })));
  const w = layout.nodeWidth, nh = layout.nodeHeight;
  const backwards = edges.filter((e) => e.parent !== e.child && layout.nodes.get(e.child).layer <= layout.nodes.get(e.parent).layer);
  const height = layout.height + backwards.length * LANE + (backwards.length ? 12 : 0);
  const width = layout.width + 40;
  const maxCalls = Math.max(1, ...edges.map((e) => e.calls));
  const svg = s("svg", { class: "graph", width, height, viewBox: `0 0 ${width} ${height}`, role: "group", "aria-label": "service dependency graph" },
    s("defs", {}, arrow("arrow", false), arrow("arrow-error", true)));

  for (const edge of edges) {
    const a = layout.nodes.get(edge.parent), b = layout.nodes.get(edge.child);
    const lane = layout.height - 8 + backwards.indexOf(edge) * LANE;
    const { d, at } = route(edge, a, b, w, nh, lane);
    const widthPx = 1.2 + 3 * (Math.log10(edge.calls + 1) / Math.log10(maxCalls + 1));
    const label = s("text", { x: at[0].toFixed(1), y: (at[1] - 6).toFixed(1), "text-anchor": "middle", class: "edge-label" },
      s("tspan", {}, callsText(edge)));
    if (edge.errors) {
      label.setAttribute("y", (at[1] - 18).toFixed(1));
      label.append(s("tspan", { x: at[0].toFixed(1), dy: "12", class: "errors" }, `${format.percent(edge.errorRate)} errors`));
    }
    svg.append(s("g", { class: edge.errors ? "edge error" : "edge", "data-parent": edge.parent, "data-child": edge.child },
      s("title", {}, `${edge.parent} → ${edge.child}: ${edgeLabel(edge)}, p95 ${format.ms(edge.p95Ms)}`),
      s("path", { d, "stroke-width": widthPx.toFixed(1), "marker-end": edge.errors ? "url(#arrow-error)" : "url(#arrow)" }),
      label));
  }

  for (const name of names) {
    const node = layout.nodes.get(name);
    const open = () => router.navigate(router.link(["services", name]));
    svg.append(s("g", {
      class: "node", transform: `translate(${node.x},${node.y})`, "data-service": name,
      tabindex: "0", role: "link", "aria-label": `service ${name}`, style: { "--service": serviceColor(name) },
      onclick: open, onkeydown: (event) => { if (event.key === "Enter") open(); },
    }, s("title", {}, name),
    s("rect", { width: w, height: nh, rx: 6 }),
    s("circle", { cx: 14, cy: nh / 2, r: 5 }),
    s("text", { x: 26, y: nh / 2 + 4 }, shorten(name))));
  }
  return svg;
}

const COLUMNS = [
  { key: "parent", label: "Caller", value: (r) => r.parent, cell: (r) => chip(r.parent, { linked: true }) },
  { key: "child", label: "Callee", value: (r) => r.child, cell: (r) => chip(r.child, { linked: true }) },
  { key: "calls", label: "Calls", numeric: true, value: (r) => r.calls, cell: (r) => format.count(r.calls) },
  { key: "errors", label: "Errors", numeric: true, value: (r) => r.errorRate,
    cell: (r) => h("span", { class: r.errors ? "has-errors" : "" }, format.percent(r.errorRate)) },
  { key: "p50", label: "p50", numeric: true, value: (r) => r.p50Ms, cell: (r) => format.ms(r.p50Ms) },
  { key: "p95", label: "p95", numeric: true, value: (r) => r.p95Ms, cell: (r) => format.ms(r.p95Ms) },
  { key: "p99", label: "p99", numeric: true, value: (r) => r.p99Ms, cell: (r) => format.ms(r.p99Ms) },
];

function readSort(params) {
  const sort = COLUMNS.some((c) => c.key === params.get("sort")) ? params.get("sort") : "calls";
  return { sort, desc: params.get("desc") !== "0" };
}

export function mount(container, route) {
  document.title = "Dependencies · Skein";
  let since = readSince(route.params);
  let { sort, desc } = readSort(route.params);
  const here = () => router.link(["dependencies"], { since: since === "1h" ? "" : since,
    sort: sort === "calls" ? "" : sort, desc: desc ? "" : "0" });
  let controller = null;
  let edges = null;
  const head = h("div", { class: "page-head" });
  const body = h("div", { class: "dependencies-body" });
  fill(container, head, body);

  function render() {
    fill(head, h("h1", {}, "Dependencies"),
      windowPicker(since, (next) => router.navigate(router.link(["dependencies"], { since: next === "1h" ? "" : next }))),
      csvLink(api.csv.dependencies(since), `dependencies-${since}.csv`));
    if (!edges) return;
    if (!edges.length) {
      fill(body, empty(`No calls between services in the last ${format.windowName(since)}.`));
      return;
    }
    fill(body,
      h("p", { class: "hint" }, "Edges point from caller to callee; click a service to open its page."),
      h("div", { class: "graph-box" }, graph(edges)),
      sortableTable({ columns: COLUMNS, rows: edges, sortKey: sort, descending: desc,
        onSort: (key, descending) => {
          sort = key;
          desc = descending;
          router.replace(here());
          render();
        },
        rowProps: (r) => ({ "data-parent": r.parent, "data-child": r.child }) }));
  }

  function load() {
    controller?.abort();
    controller = new AbortController();
    edges = null;
    render();
    fill(body, loading("Loading dependencies…"));
    api.dependencies(since, controller.signal).then((answer) => {
      edges = answer.dependencies ?? [];
      render();
    }).catch((error) => {
      if (!isAbort(error)) fill(body, errorBox(error, "Dependencies could not be loaded"));
    });
  }

  load();
  return {
    update(next) {
      const nextSince = readSince(next.params);
      ({ sort, desc } = readSort(next.params));
      if (nextSince === since) render();
      else {
        since = nextSince;
        load();
      }
      return true;
    },
    unmount() { controller?.abort(); },
  };
}
