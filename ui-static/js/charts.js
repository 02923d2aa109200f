// Small chart code for the scatter plot and the service charts: scales, ticks, axes, a line chart
// with a hover read-out. SVG drawn from numbers; labels are text nodes.
import { h, s } from "./dom.js";
import * as format from "./format.js";

/** A linear map from [d0, d1] to [r0, r1]. */
export function scale(d0, d1, r0, r1) {
  const width = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / width) * (r1 - r0);
}

/** Round tick values covering [min, max], about `count` of them. */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw);
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** The smallest tick at or above `max`, so the top of an axis is a round number. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const ticks = niceTicks(0, max, 4);
  const last = ticks[ticks.length - 1];
  return last >= max ? last : last + (ticks[1] - ticks[0]);
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400];

/** Tick times (µs) on whole local seconds, minutes or hours between start and end. */
export function timeTicks(startUs, endUs, count = 6) {
  const spanSeconds = Math.max(1, (endUs - startUs) / 1e6);
  const stepSeconds = TIME_STEPS_S.find((step) => spanSeconds / step <= count) ?? 86_400 * Math.ceil(spanSeconds / 86_400 / count);
  const stepUs = stepSeconds * 1e6;
  const offsetUs = new Date(startUs / 1_000).getTimezoneOffset() * 60e6;
  const ticks = [];
  for (let t = Math.ceil((startUs - offsetUs) / stepUs) * stepUs + offsetUs; t <= endUs; t += stepUs) ticks.push(t);
  return { ticks, withSeconds: stepSeconds < 60 };
}

/** Calls draw(width) now and whenever the container's width changes. Returns a stop function. */
export function responsive(container, draw) {
  let width = -1;
  const redraw = () => {
    const next = Math.max(320, Math.floor(container.clientWidth || 0));
    if (next === width) return;
    width = next;
    draw(width);
  };
  let frame = 0;
  // Redraw on the next frame, outside the observer callback, so drawing never re-triggers it.
  const observer = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(redraw);
  });
  observer.observe(container);
  redraw();
  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
  };
}

/** Grid lines and axis labels of a plot area. */
export function axes(svg, { left, top, right, bottom, xScale, xTicks, xFormat, yScale, yTicks, yFormat }) {
  const grid = s("g", { class: "grid" });
  for (const tick of yTicks) {
    const y = yScale(tick);
    grid.append(s("line", { x1: left, x2: right, y1: y, y2: y }));
    grid.append(s("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "tick" }, tick === 0 ? "0" : yFormat(tick)));
  }
  for (const tick of xTicks) {
    const x = xScale(tick);
    grid.append(s("line", { x1: x, x2: x, y1: top, y2: bottom, class: "vertical" }));
    // Labels at the very ends are aligned inwards so they are not cut off.
    const anchor = x > right - 24 ? "end" : x < left + 24 ? "start" : "middle";
    grid.append(s("text", { x, y: bottom + 16, "text-anchor": anchor, class: "tick" }, xFormat(tick)));
  }
  grid.append(s("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "axis" }));
  svg.append(grid);
}

/**
 * A line chart over time. series: [{name, color, values: [number|null]}], one value per time in
 * `times` (µs); null leaves a gap. Returns {element, destroy}.
 */
export function lineChart({ title, times, series, startUs, endUs, yFormat, height = 200 }) {
  const legend = h("ul", { class: "legend" });
  const values = series.map((item) => {
    const value = h("span", { class: "value" });
    legend.append(h("li", { style: { "--color": item.color } }, h("span", { class: "swatch", "aria-hidden": "true" }), item.name, " ", value));
    return value;
  });
  const plot = h("div", { class: "plot", style: { height: `${height}px` } });
  const element = h("figure", { class: "chart" }, h("figcaption", {}, title, legend), plot);
  const max = niceMax(Math.max(0, ...series.flatMap((item) => item.values.filter((v) => v !== null && v !== undefined))));

  const showValues = (index) => {
    series.forEach((item, i) => {
      values[i].textContent = index === null ? "" : yFormat(item.values[index]);
    });
  };

  const stop = responsive(plot, (width) => {
    const left = 64, right = width - 12, top = 8, bottom = height - 24;
    const x = scale(startUs, endUs, left, right);
    const y = scale(0, max, bottom, top);
    const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
    const { ticks, withSeconds } = timeTicks(startUs, endUs, Math.max(2, Math.floor(width / 110)));
    axes(svg, { left, top, right, bottom, xScale: x, xTicks: ticks, xFormat: (t) => format.clock(t, withSeconds),
      yScale: y, yTicks: niceTicks(0, max, 4), yFormat });
    for (const item of series) {
      let d = "";
      let pen = false;
      const dots = s("g", { fill: item.color });
      item.values.forEach((value, i) => {
        if (value === null || value === undefined) { pen = false; return; }
        const px = x(times[i]).toFixed(1), py = y(value).toFixed(1);
        d += `${pen ? "L" : "M"}${px},${py}`;
        pen = true;
        dots.append(s("circle", { cx: px, cy: py, r: 2 }));
      });
      svg.append(s("path", { d, class: "line", stroke: item.color, "data-series": item.name }), dots);
    }
    const cursor = s("line", { class: "cursor", y1: top, y2: bottom, x1: -10, x2: -10 });
    svg.append(cursor);
    svg.addEventListener("mousemove", (event) => {
      if (!times.length) return;
      const box = svg.getBoundingClientRect();
      const at = startUs + ((event.clientX - box.left - left) / (right - left)) * (endUs - startUs);
      let nearest = 0;
      times.forEach((t, i) => { if (Math.abs(t - at) < Math.abs(times[nearest] - at)) nearest = i; });
      const cx = x(times[nearest]);
      cursor.setAttribute("x1", cx);
      cursor.setAttribute("x2", cx);
      showValues(nearest);
    });
    svg.addEventListener("mouseleave", () => {
      cursor.setAttribute("x1", -10);
      cursor.setAttribute("x2", -10);
      showValues(null);
    });
    plot.replaceChildren(svg);
  });
  return { element, destroy: stop };
}
