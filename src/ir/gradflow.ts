// Where gradients flow in a chain graph. A value carries a gradient to the
// emulator parameters when it depends on them along a path without
// stop_gradient (forward) and reaches the loss along such a path with a
// nonzero weight (backward). A reference call must be differentiated exactly
// when its input carries a gradient: this is the proof behind the
// "non-differentiable reference" diagnostic.
import type { Graph, Node } from './graph.js';
import { users } from './graph.js';

export interface GradFlow {
  /** Values whose cotangent is nonzero and reaches a parameter. */
  readonly grad: ReadonlySet<string>;
  /** Reference calls whose VJP the backward pass needs. */
  readonly vjp: ReadonlySet<string>;
}

export function gradFlow(g: Graph): GradFlow {
  const depends = new Set<string>();
  for (const n of g.nodes) {
    const fromParams = n.op === 'call' && n.attrs.fn === 'emulator';
    if (n.op !== 'stop_gradient' && (fromParams || n.inputs.some((i) => depends.has(i)))) depends.add(n.id);
  }
  const reaches = new Set<string>(g.outputs);
  const readers = users(g);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (reaches.has(n.id)) continue;
    if (readers.get(n.id)!.some((u) => reaches.has(u.id) && passes(u, n.id))) reaches.add(n.id);
  }
  const grad = new Set([...depends].filter((v) => reaches.has(v)));
  const vjp = new Set(
    g.nodes.filter((n) => n.op === 'call' && n.attrs.fn === 'reference' && grad.has(n.id) && n.inputs.some((i) => grad.has(i))).map((n) => n.id),
  );
  return { grad, vjp };
}

/** Whether a cotangent passes from `user` back to its input `v`. */
function passes(user: Node, v: string): boolean {
  if (user.op === 'stop_gradient') return false;
  if (user.op === 'weighted_sum') return user.inputs.some((x, i) => x === v && user.attrs.weights[i] !== 0);
  return true;
}
