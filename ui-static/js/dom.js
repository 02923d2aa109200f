// Builds DOM nodes. Text always goes in through textContent or text nodes, attributes through
// setAttribute, so span data can never turn into markup or script. Nothing here uses innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(node, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style" && typeof value === "object") {
      for (const [name, v] of Object.entries(value)) {
        if (name.startsWith("--")) node.style.setProperty(name, v);
        else node.style[name] = v;
      }
    }
    else if (key.startsWith("on")) {
      // Handlers are functions only: a string would be parsed as script.
      if (typeof value !== "function") throw new TypeError(`${key} must be a function`);
      node.addEventListener(key.slice(2), value);
    } else if (value === true) {
      if (key in node && !(node instanceof SVGElement)) node[key] = true;
      else node.setAttribute(key, "");
    } else node.setAttribute(key, String(value));
  }
}

/** Appends children: nodes, strings (as text), numbers, arrays of those; null/false are skipped. */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: h("a", {href: "#/x", class: "link"}, "text", otherNode). */
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  apply(node, props);
  return append(node, children);
}

/** An SVG element, same calling convention. */
export function s(tag, props, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, props);
  return append(node, children);
}

/** Replaces all children of a node. */
export function fill(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

export function loading(text = "Loading…") {
  return h("p", { class: "status loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export function errorBox(error, what) {
  const message = error?.message ?? String(error);
  return h("div", { class: "status error", role: "alert" },
    what ? h("strong", {}, `${what}: `) : null, message);
}

export function empty(text) {
  return h("p", { class: "status empty" }, text);
}

/** A <select> with [value, label] options. */
export function select(name, options, selected, props = {}) {
  return h("select", { name, ...props },
    options.map(([value, label]) => h("option", { value, selected: value === selected }, label)));
}

/** A labelled form field. */
export function field(label, control, hint) {
  return h("label", { class: "field" }, h("span", { class: "label" }, label), control,
    hint ? h("span", { class: "hint" }, hint) : null);
}

/** Whether an error only means a request was cancelled because the view changed. */
export function isAbort(error) {
  return error?.name === "AbortError";
}
