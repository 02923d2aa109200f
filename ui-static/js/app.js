// Starts the viewer: maps routes to pages, keeps the navigation current, and makes sure an
// unexpected failure shows a message instead of a blank page.
import * as router from "./router.js";
import { h, fill, errorBox, isAbort } from "./dom.js";
import * as searchPage from "./search-page.js";
import * as tracePage from "./trace-page.js";
import * as servicesPage from "./services-page.js";
import * as servicePage from "./service-page.js";
import * as dependenciesPage from "./dependencies-page.js";
import * as livePage from "./live-page.js";
import * as access from "./access.js";

// Each page module exports mount(container, route) → {update(route) → bool, unmount()}.
// update() answers whether the page took the new route in place (same trace, other span).
const PAGES = [
  { name: "search", module: searchPage, nav: "search", match: (p) => p.length === 0 || (p[0] === "search" && p.length === 1) },
  { name: "trace", module: tracePage, nav: null, match: (p) => p[0] === "trace" && p.length === 2, key: (p) => p[1].toLowerCase().replace(/^0+/, "") },
  { name: "services", module: servicesPage, nav: "services", match: (p) => p[0] === "services" && p.length === 1 },
  { name: "service", module: servicePage, nav: "services", match: (p) => p[0] === "services" && p.length === 2, key: (p) => p[1] },
  { name: "dependencies", module: dependenciesPage, nav: "dependencies", match: (p) => p[0] === "dependencies" && p.length === 1 },
  { name: "live", module: livePage, nav: "live", match: (p) => p[0] === "live" && p.length === 1 },
];

const view = document.getElementById("view");
let active = null;

function highlight(nav) {
  for (const link of document.querySelectorAll("header.top nav a")) {
    if (link.dataset.page === nav) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function show(route) {
  hideFatal();
  const page = PAGES.find((candidate) => candidate.match(route.path));
  highlight(page?.nav ?? null);
  const key = page?.key?.(route.path) ?? "";
  if (active && page && active.name === page.name && active.key === key && active.controller.update?.(route)) return;
  active?.controller.unmount?.();
  active = null;
  if (!page) {
    document.title = "Not found · Skein";
    fill(view, h("div", { class: "page" }, h("h1", {}, "No such view"),
      h("p", {}, "This address names no page of the viewer. ", h("a", { href: "#/search" }, "Search traces"), ".")));
    return;
  }
  const container = h("div", { class: `page page-${page.name}` });
  fill(view, container);
  try {
    active = { name: page.name, key, controller: page.module.mount(container, route) ?? {} };
  } catch (error) {
    fill(container, errorBox(error, "This view failed"));
    throw error;
  }
}

const fatal = document.getElementById("fatal");

function showFatal(error) {
  if (isAbort(error)) return;
  fatal.textContent = `Something went wrong: ${error?.message ?? error}`;
  fatal.hidden = false;
}

function hideFatal() {
  fatal.hidden = true;
  fatal.textContent = "";
}

window.addEventListener("error", (event) => showFatal(event.error ?? event.message));
window.addEventListener("unhandledrejection", (event) => showFatal(event.reason));

const openForm = document.getElementById("open-trace");
openForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const input = openForm.elements.trace;
  const id = input.value.trim().toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(id)) {
    input.setCustomValidity("A trace ID is 1 to 32 hexadecimal characters.");
    input.reportValidity();
    return;
  }
  input.setCustomValidity("");
  input.value = "";
  router.navigate(router.link(["trace", id]));
});
openForm.elements.trace.addEventListener("input", (event) => event.target.setCustomValidity(""));

access.start();
router.onChange(show);
show(router.current());
