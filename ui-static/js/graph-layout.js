// Places a directed graph in columns (layers) from callers to callees: cycles are broken by
// reversing back edges found by depth-first search, layers are longest paths from the sources,
// and a few barycentre sweeps order each column to cut crossings. Pure numbers, no DOM.

const edgeKey = (from, to) => `${from}\u0000${to}`;

/** Edges (from → to) that close a cycle, found by an iterative depth-first search. */
export function backEdges(names, successors) {
  const state = new Map(); // 1 on the stack, 2 done
  const back = new Set();
  for (const root of names) {
    if (state.has(root)) continue;
    state.set(root, 1);
    const stack = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = successors.get(top[0])[top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        stack.pop();
      } else if (state.get(next) === 1) {
        back.add(edgeKey(top[0], next));
      } else if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  }
  return back;
}

/**
 * names: node names; edges: [{from, to}]. Returns {nodes: Map name → {x, y, layer}, width,
 * height, reversed: Set of edge keys drawn against the flow}.
 */
export function layoutGraph(names, edges, { nodeWidth = 170, nodeHeight = 38, columnGap = 150, rowGap = 40, margin = 30 } = {}) {
  const sorted = [...names].sort();
  const successors = new Map(sorted.map((name) => [name, []]));
  for (const { from, to } of edges) if (from !== to) successors.get(from).push(to);
  for (const list of successors.values()) list.sort();
  const reversed = backEdges(sorted, successors);

  // Forward edges only: an acyclic graph.
  const preds = new Map(sorted.map((name) => [name, []]));
  const succs = new Map(sorted.map((name) => [name, []]));
  for (const [from, list] of successors) {
    for (const to of list) {
      if (reversed.has(edgeKey(from, to))) continue;
      succs.get(from).push(to);
      preds.get(to).push(from);
    }
  }
  const layer = new Map();
  const indegree = new Map(sorted.map((name) => [name, preds.get(name).length]));
  const queue = sorted.filter((name) => indegree.get(name) === 0);
  for (const name of queue) layer.set(name, 0);
  while (queue.length) {
    const name = queue.shift();
    for (const next of succs.get(name)) {
      layer.set(next, Math.max(layer.get(next) ?? 0, layer.get(name) + 1));
      indegree.set(next, indegree.get(next) - 1);
      if (indegree.get(next) === 0) queue.push(next);
    }
  }
  const layers = [];
  for (const name of sorted) {
    const index = layer.get(name) ?? 0;
    (layers[index] ??= []).push(name);
  }
  for (let i = 0; i < layers.length; i++) layers[i] ??= [];

  // Barycentre sweeps: down by predecessors, then up by successors.
  const position = new Map();
  const remember = () => layers.forEach((column) => column.forEach((name, i) => position.set(name, i)));
  remember();
  const sortBy = (column, neighbours) => {
    const weight = new Map(column.map((name) => {
      const around = neighbours.get(name).map((n) => position.get(n));
      return [name, around.length ? around.reduce((a, b) => a + b, 0) / around.length : position.get(name)];
    }));
    column.sort((a, b) => weight.get(a) - weight.get(b) || a.localeCompare(b));
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let i = 1; i < layers.length; i++) { sortBy(layers[i], preds); remember(); }
    for (let i = layers.length - 2; i >= 0; i--) { sortBy(layers[i], succs); remember(); }
  }

  const tallest = Math.max(1, ...layers.map((column) => column.length));
  const columnHeight = (count) => count * nodeHeight + (count - 1) * rowGap;
  const height = columnHeight(tallest) + 2 * margin;
  const nodes = new Map();
  layers.forEach((column, index) => {
    const top = margin + (columnHeight(tallest) - columnHeight(column.length)) / 2;
    column.forEach((name, row) => nodes.set(name, {
      x: margin + index * (nodeWidth + columnGap), y: top + row * (nodeHeight + rowGap), layer: index,
    }));
  });
  const width = 2 * margin + layers.length * nodeWidth + Math.max(0, layers.length - 1) * columnGap;
  return { nodes, width, height, reversed, nodeWidth, nodeHeight, key: edgeKey };
}
