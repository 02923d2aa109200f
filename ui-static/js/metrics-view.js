// Pieces the metric pages share: the window picker (since=15m…24h), the chart step for a
// window, quantile look-up, and a sortable table.
import { h } from "./dom.js";

export const WINDOWS = [["15m", "15 min"], ["1h", "1 hour"], ["6h", "6 hours"], ["24h", "24 hours"]];
// The rollups are per minute, so a step is a whole number of minutes.
const STEPS = { "15m": "1m", "1h": "1m", "6h": "5m", "24h": "20m" };

export function readSince(params) {
  const since = params.get("since");
  return WINDOWS.some(([value]) => value === since) ? since : "1h";
}

/** 15 to 72 points per chart whatever the window. */
export function stepFor(since) {
  return STEPS[since] ?? "1m";
}

/** Buttons for the window; onChange(since). */
export function windowPicker(since, onChange) {
  return h("div", { class: "window-picker", role: "group", "aria-label": "time window" },
    h("span", { class: "label" }, "Window"),
    WINDOWS.map(([value, label]) => h("button", {
      type: "button", "aria-pressed": value === since ? "true" : "false", "data-since": value,
      onclick: () => { if (value !== since) onChange(value); },
    }, label)));
}

/** A link to the same answer as CSV (the /api/v1 metrics endpoints take format=csv). */
export function csvLink(href, filename) {
  return h("a", { class: "button csv", href, download: filename }, "CSV");
}

/** The value for quantile q in a {"0.5": 12.3, …} map, whatever the key's spelling ("0.50"). */
export function quantileValue(latencyMs, q) {
  if (!latencyMs) return null;
  for (const [key, value] of Object.entries(latencyMs)) if (Number(key) === q) return value;
  return null;
}

/** RFC 3339 (or µs) → µs since the epoch. */
export function toMicros(time) {
  if (typeof time === "number") return time;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? ms * 1_000 : null;
}

/**
 * A table whose headers sort it. columns: [{key, label, value(row) for sorting, cell(row) → node
 * or text, numeric}]; onSort(key, descending) lets the page keep the order in its URL.
 */
export function sortableTable({ columns, rows, sortKey, descending, onSort, rowProps, caption }) {
  const column = columns.find((c) => c.key === sortKey) ?? columns[0];
  const sorted = [...rows].sort((a, b) => {
    const x = column.value(a), y = column.value(b);
    // Rows without a value (null latency) go last in either direction.
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    const order = typeof x === "string" ? x.localeCompare(y) : x - y;
    return descending ? -order : order;
  });
  const table = h("table", { class: "data" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => {
      const active = c.key === column.key;
      return h("th", {
        scope: "col", class: c.numeric ? "num" : "",
        "aria-sort": active ? (descending ? "descending" : "ascending") : "none",
      }, h("button", {
        type: "button", class: "sort-button", "data-sort": c.key,
        onclick: () => onSort(c.key, active ? !descending : Boolean(c.numeric)),
      }, c.label, active ? (descending ? " ▾" : " ▴") : ""));
    }))),
    h("tbody", {}, sorted.map((row) => h("tr", rowProps?.(row) ?? {},
      columns.map((c) => h("td", { class: c.numeric ? "num" : "" }, c.cell(row)))))));
  return table;
}
