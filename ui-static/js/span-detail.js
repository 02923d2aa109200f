// The detail pane of one span: facts, attributes, resource, scope, events (at times relative to
// the trace start), links (to the linked span or trace) and warnings. Every value is text.
import { h } from "./dom.js";
import { chip } from "./colors.js";
import * as router from "./router.js";
import * as format from "./format.js";

const SCOPE_KEYS = new Set(["otel.scope.name", "otel.scope.version"]);

function valueText(tag) {
  if (typeof tag.value === "string") return tag.value;
  return JSON.stringify(tag.value);
}

function keyValues(tags, emptyText) {
  if (!tags.length) return h("p", { class: "muted" }, emptyText);
  return h("table", { class: "kv" }, h("tbody", {}, tags.map((tag) => h("tr", {},
    h("th", { scope: "row" }, tag.key),
    h("td", { class: `value type-${tag.type ?? "string"}`, title: tag.type ?? "" }, valueText(tag))))));
}

function section(title, countOrNull, ...content) {
  return h("section", { class: "detail-section" },
    h("h4", {}, title, countOrNull === null ? null : h("span", { class: "count" }, ` (${countOrNull})`)),
    ...content);
}

function offset(model, us) {
  return `+${format.duration(us - model.start)}`;
}

function spanHref(traceID, spanID) {
  return router.link(["trace", traceID], { span: spanID });
}

function linkItem(model, ref) {
  const sameTrace = model.span(ref.spanID) && String(ref.traceID).replace(/^0+/, "") === String(model.traceID).replace(/^0+/, "");
  const target = sameTrace ? model.span(ref.spanID) : null;
  const label = target ? `${target.service}: ${target.operation}` : `trace ${format.shortID(ref.traceID)}…, span ${ref.spanID}`;
  return h("li", { class: "link-item" },
    h("span", { class: "ref-type" }, ref.refType === "FOLLOWS_FROM" ? "link" : ref.refType.toLowerCase().replace("_", " ")),
    " ",
    h("a", { href: spanHref(ref.traceID, ref.spanID), class: sameTrace ? "span-link" : "trace-link" },
      sameTrace ? `Go to span ${label}` : `Open ${label}`),
    h("div", { class: "ids mono" }, `${ref.traceID} / ${ref.spanID}`));
}

/** The pane for `span`; onClose() when its close button is pressed. */
export function spanDetail(model, span, { onClose }) {
  const attributes = span.tags.filter((tag) => !SCOPE_KEYS.has(tag.key));
  const scope = span.tags.filter((tag) => SCOPE_KEYS.has(tag.key));
  const status = span.tags.find((tag) => tag.key === "otel.status_code")?.value ?? "unset";
  const statusText = span.tags.find((tag) => tag.key === "otel.status_description")?.value;
  const parent = span.parent
    ? h("a", { href: spanHref(model.traceID, span.parent.id) }, `${span.parent.service}: ${span.parent.operation}`)
    : span.missingParent ? h("span", { class: "muted" }, `${span.parentID} (not in this trace)`) : h("span", { class: "muted" }, "none: a root span");

  const facts = [
    ["Span ID", h("span", { class: "mono" }, span.id)],
    ["Parent", parent],
    ["Start", `${offset(model, span.start)} (${format.time(span.start)})`],
    ["Duration", format.duration(span.duration)],
    ["Kind", span.kind || "unspecified"],
    ["Status", h("span", { class: span.error ? "status-error" : "" }, statusText ? `${status}: ${statusText}` : String(status))],
    ["Depth", String(span.depth + 1)],
    span.critical ? ["Critical path", format.duration(span.critical.reduce((sum, [a, b]) => sum + b - a, 0))] : null,
  ].filter(Boolean);

  return h("aside", { class: "span-detail", "aria-label": "span details", "data-span-id": span.id },
    h("header", {},
      h("div", { class: "title" }, chip(span.service, { linked: true }), h("h3", { class: "operation" }, span.operation)),
      h("button", { type: "button", class: "icon close", title: "close", "aria-label": "close span details", onclick: onClose }, "×")),
    h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
    span.warnings.length ? section("Warnings", span.warnings.length,
      h("ul", { class: "warnings" }, span.warnings.map((warning) => h("li", {}, warning)))) : null,
    section("Attributes", attributes.length, keyValues(attributes, "No attributes.")),
    section("Resource", null,
      h("p", {}, "service.name = ", h("strong", {}, span.service)),
      keyValues(span.process.tags ?? [], "No other resource attributes.")),
    section("Scope", null, keyValues(scope, "No instrumentation scope.")),
    section("Events", span.logs.length, span.logs.length
      ? h("ol", { class: "events" }, span.logs.map((log) => {
        const fields = log.fields ?? [];
        const name = fields.find((f) => f.key === "event");
        return h("li", {},
          h("div", { class: "event-head" },
            h("span", { class: "offset mono", title: format.time(log.timestamp) }, offset(model, log.timestamp)),
            h("strong", {}, name ? valueText(name) : "(unnamed event)")),
          keyValues(fields.filter((f) => f !== name), "No attributes."));
      }))
      : h("p", { class: "muted" }, "No events.")),
    section("Links", span.links.length, span.links.length
      ? h("ul", { class: "links" }, span.links.map((ref) => linkItem(model, ref)))
      : h("p", { class: "muted" }, "No links.")));
}
