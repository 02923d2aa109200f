// The query API client: one function per endpoint, each resolving to the useful part of the answer.
// Errors become APIError with the server's own message (Jaeger's envelope `errors[0].msg`, or
// `error.message` of the /api/v1 and /api/v3 shapes). Every request carries the credentials
// access.js keeps, and a 401 makes it ask for them.
import { fetchWithAccess } from "./access.js";

export class APIError extends Error {
  constructor(message, status, path) {
    super(message);
    this.name = "APIError";
    this.status = status;
    this.path = path;
  }
}

/** A query string from an object; arrays repeat the key, empty values are left out. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

function messageOf(body, text, reply) {
  const jaeger = body?.errors?.[0]?.msg;
  if (jaeger) return jaeger;
  const v1 = body?.error?.message;
  if (v1) return v1;
  const plain = text && text.length < 300 && !text.trim().startsWith("<") ? `: ${text.trim()}` : "";
  return `${reply.status} ${reply.statusText || "error"}${plain}`;
}

async function getJSON(path, params, signal) {
  const url = path + queryString(params);
  let reply;
  try {
    reply = await fetchWithAccess(url, { signal, headers: { Accept: "application/json" } });
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new APIError(`cannot reach the Skein server (${error.message})`, 0, path);
  }
  const text = await reply.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!reply.ok) throw new APIError(messageOf(body, text, reply), reply.status, path);
  if (body === null) throw new APIError(`${path} did not answer JSON`, reply.status, path);
  return body;
}

const enc = encodeURIComponent;

/** Service names that have spans. */
export async function services(signal) {
  return (await getJSON("/api/services", null, signal)).data ?? [];
}

/** [{name, spanKind}] of a service; `spanKind` empty for every kind. */
export async function operations(service, spanKind, signal) {
  return (await getJSON("/api/operations", { service, spanKind }, signal)).data ?? [];
}

/** One trace in Jaeger's shape: {traceID, spans, processes, warnings}. */
export async function trace(traceID, signal) {
  const body = await getJSON(`/api/traces/${enc(traceID)}`, null, signal);
  const found = body.data?.[0];
  if (!found) throw new APIError("trace not found", 404, "/api/traces");
  return found;
}

/** Trace summaries for a search (the /api/traces parameters). */
export async function summaries(params, signal) {
  return (await getJSON("/api/v1/traces/summaries", params, signal)).data ?? [];
}

export async function tagKeys(service, signal) {
  return (await getJSON("/api/v1/tags", { service }, signal)).data ?? [];
}

export async function tagValues(service, key, signal) {
  return (await getJSON(`/api/v1/tags/${enc(key)}/values`, { service }, signal)).data ?? [];
}

/** RED metrics of every service over a window: {start, end, services: […]}. */
export function serviceMetrics(since, signal) {
  return getJSON("/api/v1/services", { since }, signal);
}

/** Latency percentiles, rate and errors of one service (or one of its operations) over time. */
export function serviceLatency(service, { since, step, operation, quantiles = "0.5,0.95,0.99" }, signal) {
  return getJSON(`/api/v1/services/${enc(service)}/latency`, { quantiles, since, step, operation }, signal);
}

/** Per-operation RED metrics of one service. */
export function serviceOperations(service, since, signal) {
  return getJSON(`/api/v1/services/${enc(service)}/operations`, { since }, signal);
}

/** Service-to-service edges: {start, end, dependencies: [{parent, child, calls, errors, …}]}. */
export function dependencies(since, signal) {
  return getJSON("/api/v1/dependencies", { since }, signal);
}

/** Where the two JSON downloads of a trace come from. */
export const downloads = {
  jaeger: (traceID) => `/api/traces/${enc(traceID)}?prettyPrint=true`,
  otlp: (traceID) => `/api/v3/traces/${enc(traceID)}`,
};

/** The metrics answers as CSV files (format=csv), for the pages' download links. */
export const csv = {
  services: (since) => `/api/v1/services${queryString({ since, format: "csv" })}`,
  latency: (service, { since, step, operation }) =>
    `/api/v1/services/${enc(service)}/latency${queryString({ quantiles: "0.5,0.95,0.99", since, step, operation, format: "csv" })}`,
  operations: (service, since) => `/api/v1/services/${enc(service)}/operations${queryString({ since, format: "csv" })}`,
  dependencies: (since) => `/api/v1/dependencies${queryString({ since, format: "csv" })}`,
};

/** Pending and firing alerts: {data: [...], evaluationErrors, notifications}. */
export function alerts(signal) {
  return getJSON("/api/v1/alerts", null, signal);
}

/**
 * Opens the live tail for a filter {service, operation, error}: a Server-Sent Events stream read
 * with fetch (EventSource cannot send the credentials). Calls onOpen(), onEvent(type, data) per
 * event, onRefused(message) when the server answers with an error, and onLost() when an open
 * stream ends. Returns {close()}.
 */
export function openTail(filter, { onOpen, onEvent, onRefused, onLost }) {
  const controller = new AbortController();
  (async () => {
    let reply;
    try {
      reply = await fetchWithAccess("/api/v1/tail" + queryString(filter), { signal: controller.signal, headers: { Accept: "text/event-stream" } });
    } catch (error) {
      if (!controller.signal.aborted) onRefused(`cannot reach the Skein server (${error.message})`);
      return;
    }
    if (!reply.ok) {
      const text = await reply.text().catch(() => "");
      let body = null;
      try { body = JSON.parse(text); } catch { body = null; }
      if (!controller.signal.aborted) onRefused(messageOf(body, text, reply));
      return;
    }
    onOpen();
    const reader = reply.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end;
        while ((end = buffered.indexOf("\n\n")) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          let type = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (data.length) onEvent(type, data.join("\n"));
        }
      }
    } catch {
      // Aborted by close(), or the connection broke: both end the stream below.
    }
    if (!controller.signal.aborted) onLost();
  })();
  return { close: () => controller.abort() };
}
