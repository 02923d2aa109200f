// The search form and the search state it edits. The state round-trips through the URL
// (#/search?service=…&tag=key%3Dvalue…) and turns into /api/v1/traces/summaries parameters.
import { h, field, select, isAbort } from "./dom.js";
import * as api from "./api.js";
import { parseDuration } from "./format.js";

export const RANGES = [
  ["15m", "Last 15 minutes", 15 * 60e6], ["1h", "Last hour", 3_600e6], ["6h", "Last 6 hours", 6 * 3_600e6],
  ["24h", "Last 24 hours", 24 * 3_600e6], ["custom", "Custom range", 0],
];
export const SORTS = [["newest", "Newest first"], ["longest", "Longest first"], ["spans", "Most spans"]];
const KINDS = [["", "any kind"], ["server", "server"], ["client", "client"], ["producer", "producer"],
  ["consumer", "consumer"], ["internal", "internal"]];
const DEFAULT_LIMIT = 20;

/** The search state in the URL, with defaults filled in. */
export function readState(params) {
  const limit = Number.parseInt(params.get("limit") ?? "", 10);
  return {
    service: params.get("service") ?? "",
    spanKind: params.get("spanKind") ?? "",
    operation: params.get("operation") ?? "",
    tags: params.getAll("tag").filter((tag) => tag.includes("=")).map((tag) => {
      const at = tag.indexOf("=");
      return [tag.slice(0, at), tag.slice(at + 1)];
    }),
    minDuration: params.get("minDuration") ?? "",
    maxDuration: params.get("maxDuration") ?? "",
    durationOf: params.get("durationOf") === "trace" ? "trace" : "span",
    range: RANGES.some(([value]) => value === params.get("range")) ? params.get("range") : "1h",
    start: params.get("start") ?? "",
    end: params.get("end") ?? "",
    limit: limit > 0 ? Math.min(limit, 1_000) : DEFAULT_LIMIT,
    sort: SORTS.some(([value]) => value === params.get("sort")) ? params.get("sort") : "newest",
  };
}

/** The URL parameters of a state; defaults are left out so links stay short. */
export function stateParams(state) {
  const custom = state.range === "custom";
  return {
    service: state.service, spanKind: state.spanKind, operation: state.operation,
    tag: state.tags.map(([key, value]) => `${key}=${value}`),
    minDuration: state.minDuration, maxDuration: state.maxDuration,
    durationOf: state.durationOf === "trace" && (state.minDuration || state.maxDuration) ? "trace" : "",
    range: state.range === "1h" ? "" : state.range,
    start: custom ? state.start : "", end: custom ? state.end : "",
    limit: state.limit === DEFAULT_LIMIT ? "" : state.limit,
    sort: state.sort === "newest" ? "" : state.sort,
  };
}

/** The API parameters of a state, and the time window it covers. Throws on invalid input. */
export function apiParams(state, nowUs = Date.now() * 1_000) {
  const tags = {};
  for (const [key, value] of state.tags) if (key) tags[key] = value;
  if (state.spanKind) tags["span.kind"] = state.spanKind;
  const min = state.minDuration ? parseDuration(state.minDuration) : null;
  const max = state.maxDuration ? parseDuration(state.maxDuration) : null;
  if (state.minDuration && min === null) throw new Error(`minimum duration "${state.minDuration}" is not a duration such as 100ms or 1.5s`);
  if (state.maxDuration && max === null) throw new Error(`maximum duration "${state.maxDuration}" is not a duration such as 100ms or 1.5s`);
  if (min !== null && max !== null && max < min) throw new Error("the maximum duration is below the minimum");
  let start, end;
  if (state.range === "custom") {
    start = Number(state.start);
    end = Number(state.end);
    if (!state.start || !state.end || !Number.isFinite(start) || !Number.isFinite(end)) throw new Error("a custom range needs a start and an end");
    if (end < start) throw new Error("the custom range ends before it starts");
  } else {
    end = nowUs;
    start = end - RANGES.find(([value]) => value === state.range)[2];
  }
  const prefix = state.durationOf === "trace" ? "Trace" : "";
  return {
    params: {
      service: state.service, operation: state.operation,
      tags: Object.keys(tags).length ? JSON.stringify(tags) : "",
      [`min${prefix}Duration`]: state.minDuration, [`max${prefix}Duration`]: state.maxDuration,
      start: Math.floor(start), end: Math.floor(end), limit: state.limit,
    },
    start, end,
  };
}

const pad = (n) => String(n).padStart(2, "0");
function toLocalInput(us) {
  if (!us) return "";
  const d = new Date(Number(us) / 1_000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(text) {
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? String(ms * 1_000) : "";
}

/** The form. onSubmit(state) is called with a valid state. Returns {element, setState, destroy}. */
export function searchForm(initial, { onSubmit }) {
  const loads = new Set();
  const latest = new Map(); // slot → the controller of its newest load
  // A newer load in the same slot (the operations of another kind) cancels the older one, so a
  // slow old answer can never overwrite a newer one.
  const load = async (fetcher, apply, errorTarget, slot) => {
    const controller = new AbortController();
    if (slot) {
      latest.get(slot)?.abort();
      latest.set(slot, controller);
    }
    loads.add(controller);
    try {
      const result = await fetcher(controller.signal);
      if (controller.signal.aborted) return;
      apply(result);
      if (errorTarget) errorTarget.textContent = "";
    } catch (error) {
      if (!isAbort(error) && errorTarget) errorTarget.textContent = error.message;
    } finally {
      loads.delete(controller);
    }
  };

  const serviceSelect = select("service", [["", "All services"]], "");
  const kindSelect = select("spanKind", KINDS, "");
  const operationSelect = select("operation", [["", "All operations"]], "");
  const serviceError = h("span", { class: "field-error", role: "alert" });
  const keyList = h("datalist", { id: "tag-keys" });
  const tagRows = h("div", { class: "tag-rows" });
  const minInput = h("input", { name: "minDuration", placeholder: "e.g. 100ms", size: 8, autocomplete: "off" });
  const maxInput = h("input", { name: "maxDuration", placeholder: "e.g. 2s", size: 8, autocomplete: "off" });
  const durationOf = select("durationOf", [["span", "of a span"], ["trace", "of the whole trace"]], "span");
  const rangeSelect = select("range", RANGES.map(([value, label]) => [value, label]), "1h");
  const startInput = h("input", { type: "datetime-local", name: "start" });
  const endInput = h("input", { type: "datetime-local", name: "end" });
  const custom = h("div", { class: "custom-range" }, field("From", startInput), field("To", endInput));
  const limitInput = h("input", { type: "number", name: "limit", min: 1, max: 1000, value: DEFAULT_LIMIT });
  const formError = h("p", { class: "form-error", role: "alert" });
  let sort = "newest";
  let rowCount = 0;

  function setOptions(selectNode, options, value) {
    const known = options.some(([v]) => v === value);
    if (value && !known) options = [...options, [value, value]];
    selectNode.replaceChildren(...options.map(([v, label]) => h("option", { value: v }, label)));
    selectNode.value = value;
  }

  function loadOperations(service, kind, keep) {
    operationSelect.disabled = !service;
    setOptions(operationSelect, [["", service ? "All operations" : "All operations (pick a service)"]], keep);
    latest.get("operations")?.abort();
    if (!service) return;
    load((signal) => api.operations(service, kind, signal), (ops) => {
      const names = [...new Set(ops.map((op) => op.name))].sort();
      setOptions(operationSelect, [["", "All operations"], ...names.map((n) => [n, n])], operationSelect.value);
    }, serviceError, "operations");
  }

  function loadKeys(service) {
    keyList.replaceChildren();
    latest.get("keys")?.abort();
    if (!service) return;
    load((signal) => api.tagKeys(service, signal), (keys) => {
      keyList.replaceChildren(...keys.map((key) => h("option", { value: key })));
    }, null, "keys");
  }

  function addTagRow(key = "", value = "") {
    const listID = `tag-values-${rowCount++}`;
    const values = h("datalist", { id: listID });
    const keyInput = h("input", { name: "tagKey", list: "tag-keys", placeholder: "key", value: key, autocomplete: "off", "aria-label": "attribute key" });
    const valueInput = h("input", { name: "tagValue", list: listID, placeholder: "value", value, autocomplete: "off", "aria-label": "attribute value" });
    keyInput.addEventListener("change", () => {
      values.replaceChildren();
      if (serviceSelect.value && keyInput.value) {
        load((signal) => api.tagValues(serviceSelect.value, keyInput.value, signal),
          (items) => values.replaceChildren(...items.slice(0, 200).map((v) => h("option", { value: v }))), null, listID);
      }
    });
    const row = h("div", { class: "tag-row" }, keyInput, h("span", { class: "equals" }, "="), valueInput, values,
      h("button", { type: "button", class: "icon", title: "remove this filter", "aria-label": "remove this filter", onclick: () => row.remove() }, "×"));
    tagRows.append(row);
    return keyInput;
  }

  serviceSelect.addEventListener("change", () => {
    loadOperations(serviceSelect.value, kindSelect.value, "");
    loadKeys(serviceSelect.value);
  });
  kindSelect.addEventListener("change", () => loadOperations(serviceSelect.value, kindSelect.value, operationSelect.value));
  rangeSelect.addEventListener("change", () => {
    custom.hidden = rangeSelect.value !== "custom";
    if (!custom.hidden && !startInput.value) {
      const now = Date.now() * 1_000;
      startInput.value = toLocalInput(now - 3_600e6);
      endInput.value = toLocalInput(now);
    }
  });

  function readForm() {
    const tags = [...tagRows.querySelectorAll(".tag-row")].map((row) => [
      row.querySelector("[name=tagKey]").value.trim(), row.querySelector("[name=tagValue]").value,
    ]).filter(([key]) => key);
    return {
      service: serviceSelect.value, spanKind: kindSelect.value, operation: operationSelect.disabled ? "" : operationSelect.value,
      tags, minDuration: minInput.value.trim(), maxDuration: maxInput.value.trim(), durationOf: durationOf.value,
      range: rangeSelect.value, start: fromLocalInput(startInput.value), end: fromLocalInput(endInput.value),
      limit: Math.min(Math.max(Number.parseInt(limitInput.value, 10) || DEFAULT_LIMIT, 1), 1_000), sort,
    };
  }

  const element = h("form", { class: "search-form", "aria-label": "search traces" },
    h("h2", {}, "Search"),
    field("Service", serviceSelect), serviceError,
    h("div", { class: "row" }, field("Span kind", kindSelect), field("Operation", operationSelect)),
    h("fieldset", { class: "tags" }, h("legend", {}, "Attributes (key = value, all must match one span)"), tagRows, keyList,
      h("button", { type: "button", class: "link-button", onclick: () => addTagRow().focus() }, "+ add attribute filter")),
    h("fieldset", { class: "durations" }, h("legend", {}, "Duration"),
      h("div", { class: "row" }, field("Min", minInput), field("Max", maxInput)), field("Applies to", durationOf)),
    field("Time range", rangeSelect), custom,
    field("Limit", limitInput),
    formError,
    h("button", { class: "primary", type: "submit" }, "Find traces"));

  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const state = readForm();
    try {
      apiParams(state);
    } catch (error) {
      formError.textContent = error.message;
      return;
    }
    formError.textContent = "";
    onSubmit(state);
  });

  let initialized = false;
  function setState(state) {
    const serviceChanged = !initialized || serviceSelect.value !== state.service ||
      operationSelect.value !== state.operation || kindSelect.value !== state.spanKind;
    initialized = true;
    setOptions(serviceSelect, [...serviceSelect.options].map((o) => [o.value, o.textContent]), state.service);
    kindSelect.value = state.spanKind;
    if (serviceChanged) {
      loadOperations(state.service, state.spanKind, state.operation);
      loadKeys(state.service);
    }
    tagRows.replaceChildren();
    for (const [key, value] of state.tags) addTagRow(key, value);
    if (!state.tags.length) addTagRow();
    minInput.value = state.minDuration;
    maxInput.value = state.maxDuration;
    durationOf.value = state.durationOf;
    rangeSelect.value = state.range;
    custom.hidden = state.range !== "custom";
    startInput.value = toLocalInput(state.start);
    endInput.value = toLocalInput(state.end);
    limitInput.value = state.limit;
    sort = state.sort;
    formError.textContent = "";
  }

  setState(initial);
  load((signal) => api.services(signal), (names) => {
    setOptions(serviceSelect, [["", "All services"], ...names.map((n) => [n, n])], serviceSelect.value);
  }, serviceError);

  return { element, setState, destroy: () => loads.forEach((c) => c.abort()) };
}
