// The trace waterfall: a collapsible span tree beside timeline bars, with a time ruler. Only the
// rows in view (plus a margin) exist in the DOM, so a 10,000-span trace scrolls as lightly as a
// small one.
import { h } from "./dom.js";
import { serviceColor } from "./colors.js";
import { visibleSpans } from "./trace-model.js";
import * as format from "./format.js";

export const ROW_HEIGHT = 26;
const OVERSCAN = 12;
const INDENT = 14;
const MAX_INDENT_LEVELS = 30;
const MAX_EVENT_MARKS = 20;
const TICKS = 5;

export class Waterfall {
  /** model: trace-model.js buildTrace(); onSelect(span) when a row is clicked. */
  constructor(model, { onSelect }) {
    this.model = model;
    this.onSelect = onSelect;
    this.collapsed = new Set();
    this.selected = null;
    this.matches = new Set();
    this.currentMatch = null;
    this.rows = visibleSpans(model, this.collapsed);
    this.rendered = new Map();
    this.frame = 0;
    this.total = Math.max(model.duration, 1);

    const ticks = [];
    for (let i = 0; i <= TICKS; i++) ticks.push(i / TICKS);
    this.ruler = h("div", { class: "wf-ruler" }, ticks.map((fraction) => h("span", {
      class: fraction === 1 ? "tick last" : "tick", style: { left: `${fraction * 100}%` },
    }, fraction === 0 ? "0" : format.duration(fraction * model.duration))));
    this.canvas = h("div", { class: "wf-canvas", role: "tree", "aria-label": "spans" },
      h("div", { class: "wf-grid", "aria-hidden": "true" },
        ticks.map((fraction) => h("span", { style: { left: `${fraction * 100}%` } }))));
    this.scroller = h("div", { class: "wf-scroll", tabindex: "0" }, this.canvas);
    this.element = h("div", { class: "waterfall" },
      h("div", { class: "wf-head" }, h("div", { class: "wf-name" }, "Service and operation"), this.ruler),
      this.scroller);
    // One listener for every row (rows come and go while scrolling).
    this.canvas.addEventListener("click", (event) => {
      const row = event.target.closest(".wf-row");
      const span = row ? this.rows[Number(row.dataset.index)] : null;
      if (!span) return;
      if (event.target.closest(".toggle")) this.toggle(span);
      else this.onSelect(span);
    });
    this.scroller.addEventListener("scroll", () => this.schedule());
    this.scroller.addEventListener("keydown", (event) => this.key(event));
    this.resize = new ResizeObserver(() => this.schedule());
    this.resize.observe(this.scroller);
    this.layout();
  }

  destroy() {
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
  }

  schedule() {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render());
  }

  /** The rows changed (collapse, expand): resize the canvas and draw again. */
  layout() {
    this.rows = visibleSpans(this.model, this.collapsed);
    this.canvas.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.refresh();
  }

  /** Row decorations changed: drop the drawn rows and draw again. */
  refresh() {
    for (const row of this.rendered.values()) row.remove();
    this.rendered.clear();
    this.render();
  }

  render() {
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 800;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    for (const [index, row] of this.rendered) {
      if (index < first || index > last) {
        row.remove();
        this.rendered.delete(index);
      }
    }
    for (let index = first; index <= last; index++) {
      if (this.rendered.has(index)) continue;
      const row = this.row(index);
      this.rendered.set(index, row);
      this.canvas.append(row);
    }
  }

  row(index) {
    const span = this.rows[index];
    const model = this.model;
    const hasChildren = span.children.length > 0;
    const folded = this.collapsed.has(span);
    const classes = ["wf-row"];
    if (span === this.selected) classes.push("selected");
    if (this.matches.has(span)) classes.push("match");
    if (span === this.currentMatch) classes.push("current-match");
    if (span.critical) classes.push("critical");
    if (span.error) classes.push("error");
    const color = serviceColor(span.service);

    const toggle = hasChildren
      ? h("button", {
        class: "toggle", type: "button", tabindex: "-1",
        "aria-label": folded ? `expand ${span.descendants} spans` : "collapse",
      }, folded ? "▸" : "▾")
      : h("span", { class: "toggle-space", "aria-hidden": "true" });
    const name = h("div", {
      class: "wf-name", title: `${span.service}: ${span.operation}`,
      style: { paddingLeft: `${4 + Math.min(span.depth, MAX_INDENT_LEVELS) * INDENT}px` },
    }, toggle,
    h("span", { class: "svc", style: { "--service": color } }, span.service),
    h("span", { class: "op" }, span.operation),
    folded ? h("span", { class: "folded-count" }, `+${format.count(span.descendants)}`) : null,
    span.error ? h("span", { class: "err-mark", title: "error" }, "!") : null);

    const left = ((span.start - model.start) / this.total) * 100;
    const width = (span.duration / this.total) * 100;
    const bar = h("div", {
      class: "bar", style: { left: `${left}%`, width: `max(${width}%, 2px)`, "--service": color },
    });
    if (span.critical && span.duration > 0) {
      for (const [from, to] of span.critical) {
        bar.append(h("span", { class: "crit", style: {
          left: `${((from - span.start) / span.duration) * 100}%`, width: `${((to - from) / span.duration) * 100}%`,
        } }));
      }
    }
    for (const log of span.logs.slice(0, MAX_EVENT_MARKS)) {
      const at = span.duration > 0 ? Math.min(Math.max((log.timestamp - span.start) / span.duration, 0), 1) : 0;
      bar.append(h("span", { class: "event-mark", style: { left: `${at * 100}%` } }));
    }
    // After the bar; a bar reaching the end puts its label in the timeline's right margin.
    const label = h("span", { class: "bar-label", style: { left: `${left + width}%` } }, format.duration(span.duration));

    return h("div", {
      class: classes.join(" "), role: "treeitem", "aria-level": span.depth + 1,
      "aria-selected": span === this.selected ? "true" : "false",
      "aria-expanded": hasChildren ? String(!folded) : null,
      "data-span-id": span.id, "data-index": index,
      style: { top: `${index * ROW_HEIGHT}px` },
    }, name, h("div", { class: "wf-timeline" }, bar, label));
  }

  toggle(span) {
    if (this.collapsed.has(span)) this.collapsed.delete(span);
    else this.collapsed.add(span);
    this.layout();
  }

  collapseAll() {
    this.collapsed = new Set(this.model.order.filter((span) => span.children.length));
    this.layout();
  }

  expandAll() {
    this.collapsed.clear();
    this.layout();
  }

  setSelected(span) {
    this.selected = span;
    this.refresh();
  }

  setMatches(spans, current) {
    this.matches = new Set(spans);
    this.currentMatch = current ?? null;
    this.refresh();
  }

  setCritical(on) {
    this.element.classList.toggle("hide-critical", !on);
  }

  /** Unfolds the span's ancestors and scrolls it into view. */
  reveal(span) {
    let unfolded = false;
    for (let parent = span.parent; parent; parent = parent.parent) {
      if (this.collapsed.delete(parent)) unfolded = true;
    }
    if (unfolded) this.layout();
    const index = this.rows.indexOf(span);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const view = this.scroller.clientHeight || 600;
    if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + view) {
      this.scroller.scrollTop = Math.max(0, top - view / 3);
    }
    this.render();
  }

  /** Up/down move the selection, left/right fold and unfold. */
  key(event) {
    const at = this.selected ? this.rows.indexOf(this.selected) : -1;
    let next = null;
    if (event.key === "ArrowDown") next = this.rows[Math.min(at + 1, this.rows.length - 1)];
    else if (event.key === "ArrowUp") next = this.rows[Math.max(at - 1, 0)];
    else if (event.key === "ArrowLeft" && this.selected?.children.length && !this.collapsed.has(this.selected)) this.toggle(this.selected);
    else if (event.key === "ArrowRight" && this.selected && this.collapsed.has(this.selected)) this.toggle(this.selected);
    else return;
    event.preventDefault();
    if (next) {
      this.onSelect(next);
      this.reveal(next);
    }
  }
}
