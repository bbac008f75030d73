// Simplification, on chain and primitive graphs alike:
// - zero weights: a weighted_sum term with weight 0 contributes nothing, so
//   its loss need not be computed (supervised `weights [0, 0, 1]`);
// - CSE: two nodes with the same op, attributes, shape and inputs are one value
//   (a diverted branch's first emulator step is the main chain's next step);
//   the first keeps its name and its role;
// - DCE: only what an output needs survives.
import type { Graph, Node } from '../ir/graph.js';
import { GraphBuilder } from '../ir/graph.js';
import { verify } from '../ops/verify.js';

export function simplify(g: Graph): Graph {
  return verify(dce(cse(dropZeroWeights(g))));
}

function dropZeroWeights(g: Graph): Graph {
  const nodes = g.nodes.map((n): Node => {
    if (n.op !== 'weighted_sum') return n;
    const w = n.attrs.weights;
    const keep = w.map((x, i) => i).filter((i) => w[i] !== 0);
    if (keep.length === w.length) return n;
    if (keep.length === 0) return { id: n.id, op: 'const', inputs: [], attrs: { value: 0 }, shape: n.shape, ...(n.role && { role: n.role }) };
    return { ...n, inputs: keep.map((i) => n.inputs[i]!), attrs: { ...n.attrs, weights: keep.map((i) => w[i]!) } };
  });
  return { ...g, nodes };
}

function cse(g: Graph): Graph {
  const b = new GraphBuilder(g.title);
  const rename = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const n of g.nodes) {
    const inputs = n.inputs.map((i) => rename.get(i)!);
    const key = JSON.stringify([n.op, n.attrs, n.shape, inputs], bigByIdentity);
    const same = seen.get(key);
    if (same !== undefined) {
      rename.set(n.id, same);
      continue;
    }
    const id = b.copy(n, inputs);
    seen.set(key, id);
    rename.set(n.id, id);
  }
  return b.build(g.outputs.map((o) => rename.get(o)!));
}

// A long array attribute (a spectral kernel, points long, on every solver
// call) is keyed by identity: spelling it out per node made CSE quadratic.
// Calls of one solver share one array, so they still merge.
const bigIds = new WeakMap<object, number>();
let nextBigId = 0;
function bigByIdentity(_key: string, v: unknown): unknown {
  if (!Array.isArray(v) || v.length <= 64) return v;
  let id = bigIds.get(v);
  if (id === undefined) bigIds.set(v, (id = ++nextBigId));
  return `#array${id}`;
}

function dce(g: Graph): Graph {
  const live = new Set(g.outputs);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (live.has(n.id)) for (const x of n.inputs) live.add(x);
  }
  return { ...g, nodes: g.nodes.filter((n) => live.has(n.id)) };
}
