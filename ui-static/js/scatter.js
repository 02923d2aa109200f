// The search results as dots: start time across, trace duration up. A dot opens its trace.
import { h, s } from "./dom.js";
import { serviceColor } from "./colors.js";
import { scale, niceTicks, niceMax, timeTicks, responsive, axes } from "./charts.js";
import * as format from "./format.js";

const HEIGHT = 190;

/** summaries: /api/v1/traces/summaries items. Returns {element, destroy}. */
export function scatterPlot(summaries, { onOpen }) {
  const element = h("div", { class: "scatter", "aria-label": "trace durations over time" });
  if (!summaries.length) return { element, destroy() {} };
  const starts = summaries.map((t) => t.startTime);
  let startUs = Math.min(...starts), endUs = Math.max(...starts);
  const pad = Math.max((endUs - startUs) * 0.04, 500_000);
  startUs -= pad;
  endUs += pad;
  const maxDuration = niceMax(Math.max(...summaries.map((t) => t.duration)) * 1.05);
  const maxSpans = Math.max(...summaries.map((t) => t.spanCount), 1);

  const destroy = responsive(element, (width) => {
    const left = 64, right = width - 14, top = 10, bottom = HEIGHT - 24;
    const x = scale(startUs, endUs, left, right);
    const y = scale(0, maxDuration, bottom, top);
    const svg = s("svg", { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: "group" });
    const { ticks, withSeconds } = timeTicks(startUs, endUs, Math.max(2, Math.floor(width / 110)));
    axes(svg, { left, top, right, bottom, xScale: x, xTicks: ticks, xFormat: (t) => format.clock(t, withSeconds),
      yScale: y, yTicks: niceTicks(0, maxDuration, 4), yFormat: (v) => format.duration(v) });
    // Longest first, so short traces stay clickable on top of long ones.
    const ordered = [...summaries].sort((a, b) => b.duration - a.duration);
    for (const trace of ordered) {
      const label = `${trace.rootService || "?"}: ${trace.rootOperation || "?"} · ${format.duration(trace.duration)} · ` +
        `${format.count(trace.spanCount)} spans${trace.errorCount ? ` · ${trace.errorCount} errors` : ""}`;
      const dot = s("circle", {
        class: trace.errorCount ? "dot error" : "dot",
        cx: x(trace.startTime).toFixed(1), cy: y(trace.duration).toFixed(1),
        r: (3 + 5 * Math.sqrt(trace.spanCount / maxSpans)).toFixed(1),
        fill: serviceColor(trace.rootService || "?"),
        tabindex: "0", role: "link", "aria-label": label, "data-trace-id": trace.traceID,
        onclick: () => onOpen(trace.traceID),
        onkeydown: (event) => { if (event.key === "Enter") onOpen(trace.traceID); },
      }, s("title", {}, label));
      svg.append(dot);
    }
    element.replaceChildren(svg);
  });
  return { element, destroy };
}
