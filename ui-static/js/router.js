// URL state lives in the hash: #/search?service=a, #/trace/<id>?span=<id>, #/services,
// #/services/<name>, #/dependencies. Deep links need nothing from the server, and back/forward
// work through the browser's own history.

/** The current route: {path: ["trace", "abc"], params: URLSearchParams, hash}. */
export function current() {
  return parse(location.hash);
}

export function parse(hash) {
  const text = String(hash ?? "").replace(/^#\/?/, "");
  const [pathPart, queryPart = ""] = splitOnce(text, "?");
  const path = pathPart.split("/").filter((segment) => segment !== "").map(safeDecode);
  return { path, params: new URLSearchParams(queryPart), hash: `#/${text}` };
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A hash link: link(["services", "cart"], {since: "1h"}) → "#/services/cart?since=1h". */
export function link(path, params) {
  const segments = path.map((segment) => encodeURIComponent(segment)).join("/");
  const search = new URLSearchParams();
  if (params instanceof URLSearchParams) {
    for (const [key, value] of params) if (value !== "") search.append(key, value);
  } else {
    for (const [key, value] of Object.entries(params ?? {})) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== undefined && item !== null && item !== "") search.append(key, String(item));
      }
    }
  }
  const query = search.toString();
  return `#/${segments}${query ? `?${query}` : ""}`;
}

/** Goes to a new view; it becomes a history entry (back returns here). */
export function navigate(hash) {
  if (hash === location.hash) return;
  location.hash = hash;
}

/** Records state of the current view (a selected span, a sort order) without a history entry
 * and without re-routing: the view already shows it. */
export function replace(hash) {
  if (hash === location.hash) return;
  history.replaceState(history.state, "", hash);
}

export function onChange(callback) {
  window.addEventListener("hashchange", () => callback(current()));
}
