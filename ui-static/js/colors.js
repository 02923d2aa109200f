// One colour per service, the same on every page: a hash of the name picks from a palette that
// reads on light and dark backgrounds.
import { h } from "./dom.js";

const PALETTE = [
  "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f",
  "#1f9e89", "#d37295", "#8cd17d", "#a0cbe8", "#e15759", "#79706e", "#b6992d", "#86bcb6",
];

const cache = new Map();

function hash(text) {
  // FNV-1a, 32 bits.
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

export function serviceColor(service) {
  let color = cache.get(service);
  if (!color) {
    color = PALETTE[hash(String(service)) % PALETTE.length];
    cache.set(service, color);
  }
  return color;
}

/** A coloured chip naming a service; a link to its page when `linked`. */
export function chip(service, { linked = false, title } = {}) {
  const props = { class: "chip", title: title ?? service, style: { "--service": serviceColor(service) } };
  const dot = h("span", { class: "dot", "aria-hidden": "true" });
  if (!linked) return h("span", props, dot, service);
  return h("a", { ...props, href: `#/services/${encodeURIComponent(service)}` }, dot, service);
}
