// A trace in Jaeger's JSON shape turned into a span tree: parents, children, depth, services,
// errors and the critical path. No DOM here.

/** IDs compare without case and leading zeros (Jaeger prints 64-bit trace IDs in 16 characters). */
function normalID(id) {
  const text = String(id ?? "").toLowerCase();
  let zeros = 0;
  while (zeros < text.length - 1 && text.charCodeAt(zeros) === 48) zeros++;
  return zeros ? text.slice(zeros) : text;
}

function tagValue(tags, key) {
  return tags.find((tag) => tag.key === key)?.value;
}

function isError(tags) {
  const error = tagValue(tags, "error");
  return error === true || error === "true" || tagValue(tags, "otel.status_code") === "ERROR";
}

/** Builds the model. Every span of the answer appears exactly once in `order` (pre-order). */
export function buildTrace(raw) {
  const processes = raw.processes ?? {};
  const traceKey = normalID(raw.traceID);
  const spans = (raw.spans ?? []).map((span, index) => {
    const process = processes[span.processID] ?? { serviceName: "unknown_service", tags: [] };
    const tags = span.tags ?? [];
    const references = span.references ?? [];
    const parentRef = references.find((ref) => ref.refType === "CHILD_OF" && normalID(ref.traceID) === traceKey);
    return {
      index, id: span.spanID, traceID: span.traceID, operation: span.operationName ?? "",
      service: process.serviceName ?? "unknown_service", process,
      start: span.startTime, duration: span.duration, end: span.startTime + span.duration,
      tags, logs: span.logs ?? [], warnings: span.warnings ?? [], references,
      links: references.filter((ref) => ref !== parentRef),
      parentID: parentRef?.spanID ?? null, parent: null, missingParent: false,
      children: [], depth: 0, descendants: 0,
      kind: tagValue(tags, "span.kind") ?? "", error: isError(tags), critical: null, searchText: null,
    };
  });

  const byID = new Map();
  for (const span of spans) if (!byID.has(normalID(span.id))) byID.set(normalID(span.id), span);
  for (const span of spans) {
    if (!span.parentID) continue;
    const parent = byID.get(normalID(span.parentID));
    if (parent && parent !== span) {
      span.parent = parent;
      parent.children.push(span);
    } else {
      span.missingParent = true;
    }
  }
  const byStart = (a, b) => a.start - b.start || a.index - b.index;
  for (const span of spans) span.children.sort(byStart);

  // Pre-order walk from the roots. References can form a cycle (bad data): a span never reached
  // from a root is cut from its parent and becomes a root itself, so nothing is lost.
  const roots = spans.filter((span) => !span.parent).sort(byStart);
  const order = [];
  const visited = new Set();
  const walk = (root) => {
    const stack = [root];
    while (stack.length) {
      const span = stack.pop();
      if (visited.has(span)) continue;
      visited.add(span);
      span.depth = span.parent ? span.parent.depth + 1 : 0;
      order.push(span);
      for (let i = span.children.length - 1; i >= 0; i--) stack.push(span.children[i]);
    }
  };
  roots.forEach(walk);
  if (order.length < spans.length) {
    for (const span of spans) {
      if (visited.has(span)) continue;
      span.parent.children = span.parent.children.filter((child) => child !== span);
      span.parent = null;
      span.missingParent = true;
      roots.push(span);
      walk(span);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const span = order[i];
    if (span.parent) span.parent.descendants += span.descendants + 1;
  }

  // Loops, not Math.min(...spans): a spread of 50,000 arguments can overflow the stack.
  let start = spans.length ? Infinity : 0, end = spans.length ? -Infinity : 0;
  for (const span of spans) {
    if (span.start < start) start = span.start;
    if (span.end > end) end = span.end;
  }
  const services = new Map();
  let depth = 0, errorCount = 0;
  for (const span of order) {
    const entry = services.get(span.service) ?? { name: span.service, spans: 0, errors: 0 };
    entry.spans++;
    if (span.error) { entry.errors++; errorCount++; }
    services.set(span.service, entry);
    depth = Math.max(depth, span.depth + 1);
  }
  const mainRoot = [...roots].sort((a, b) => b.duration - a.duration || a.start - b.start)[0] ?? null;
  const criticalCount = mainRoot ? markCriticalPath(mainRoot) : 0;

  return {
    traceID: raw.traceID, spans, order, byID, roots, mainRoot, start, end, duration: end - start,
    services: [...services.values()], depth, errorCount, criticalCount, warnings: raw.warnings ?? [],
    span: (id) => byID.get(normalID(id)) ?? null,
  };
}

/**
 * Marks the critical path below `root`: the chain of work that decided when the root ended.
 * Walking back from the root's end, the child that finished last (before the current point) is
 * on the path, then the one that finished last before that child started, and so on; the time
 * between them is the parent's own. Children are clipped to their parent. Sets span.critical to
 * the [start, end] segments on the path; returns how many spans have one. Iterative: a chain
 * 10,000 spans deep must not overflow the stack.
 */
export function markCriticalPath(root) {
  let marked = 0;
  const add = (span, from, to) => {
    if (to <= from) return;
    if (!span.critical) { span.critical = []; marked++; }
    span.critical.push([from, to]);
  };
  const stack = [[root, root.start, root.end]];
  while (stack.length) {
    const [span, lo, hi] = stack.pop();
    if (!span.children.length) {
      add(span, lo, hi);
      continue;
    }
    let cursor = hi;
    const children = span.children
      .map((child) => [child, Math.max(child.start, lo), Math.min(child.end, hi)])
      .filter(([, from, to]) => to > from)
      .sort((a, b) => b[2] - a[2]);
    for (const [child, from, to] of children) {
      if (cursor <= lo) break;
      if (to > cursor) continue;
      add(span, to, cursor);
      stack.push([child, from, to]);
      cursor = from;
    }
    add(span, lo, cursor);
  }
  return marked;
}

function describe(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Spans whose service, operation, ID, attributes, resource or events contain `text`. */
export function findSpans(model, text) {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  return model.order.filter((span) => {
    if (span.searchText === null) {
      const parts = [span.service, span.operation, span.id];
      for (const tag of span.tags) parts.push(`${tag.key}=${describe(tag.value)}`);
      for (const tag of span.process.tags ?? []) parts.push(`${tag.key}=${describe(tag.value)}`);
      for (const log of span.logs) for (const f of log.fields ?? []) parts.push(`${f.key}=${describe(f.value)}`);
      span.searchText = parts.join("\n").toLowerCase();
    }
    return span.searchText.includes(needle);
  });
}

/** The spans shown when `collapsed` (a Set of spans) are folded: a pre-order list. */
export function visibleSpans(model, collapsed) {
  if (!collapsed.size) return model.order;
  const rows = [];
  const stack = [...model.roots].reverse();
  while (stack.length) {
    const span = stack.pop();
    rows.push(span);
    if (collapsed.has(span)) continue;
    for (let i = span.children.length - 1; i >= 0; i--) stack.push(span.children[i]);
  }
  return rows;
}
