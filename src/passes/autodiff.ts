// Reverse-mode autodiff over primitive ops: the forward graph, then its
// backward as more nodes of the same IR, built from each op's VJP rule (the
// table lives in the ops, one rule per op file).
//
// Only values that both depend on some `wrt` value and reach the loss get a
// cotangent: everything else (targets, the reference chain when no
// parameter feeds it, branches no loss reads) has no backward at all. A
// value read by several nodes (a shared parameter used by every emulator
// call) sums its cotangents with `add`. stop_gradient's rule passes none.
//
// Outputs: [loss, grad.<w> for each w in wrt]. The cotangent of a forward
// value v is named d.<v> and has the role { cotangent, of: v } (grad.<w>:
// of w), a rule's intermediates d.<node>.<tag>; the seed is `const 1` and a
// gradient that nothing reaches is an explicit `const 0`.
// Finally, nodes that feed no output are dropped (a rule's cotangent for an
// input that needs none, forward values no loss or gradient reads).
import type { Graph } from '../ir/graph.js';
import { GraphBuilder, nodeMap, shapeText } from '../ir/graph.js';
import { opDef } from '../ops/registry.js';

export function differentiate(g: Graph, loss: string, wrt: readonly string[]): Graph {
  const fwd = nodeMap(g);
  const lossNode = fwd.get(loss);
  if (!lossNode) throw new Error(`differentiate: no loss value %${loss}`);
  if (lossNode.shape.length !== 0) throw new Error(`differentiate: loss %${loss} is ${shapeText(lossNode.shape)}, not a scalar`);
  for (const w of wrt) if (!fwd.has(w)) throw new Error(`differentiate: no value %${w} to differentiate with respect to`);

  const active = activeValues(g, loss, wrt);
  // The forward ids are unique, so the copies keep them and each rule can be
  // handed its forward node as it is.
  const b = new GraphBuilder(g.title);
  for (const n of g.nodes) b.copy(n);

  const cot = new Map<string, string>();
  if (active.has(loss)) cot.set(loss, b.add(`d.${loss}`, 'const', [], [], { value: 1 }));
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    const c = cot.get(n.id);
    if (c === undefined || !n.inputs.some((i) => active.has(i))) continue;
    const def = opDef(n.op);
    if (!def.vjp) throw new Error(`differentiate: %${n.id} = ${n.op} has no VJP rule`);
    def.vjp(b, n, c).forEach((part, slot) => {
      const x = n.inputs[slot]!;
      if (part === null || !active.has(x)) return;
      const prev = cot.get(x);
      cot.set(x, prev === undefined ? part : b.add(`d.${x}.acc`, 'add', [prev, part], fwd.get(x)!.shape));
    });
  }

  const grads = wrt.map((w) => cot.get(w) ?? b.add(`grad.${w}`, 'const', [], fwd.get(w)!.shape, { value: 0 }));
  // Final names: gradients first, then each value's cotangent, latest value
  // first, so a cotangent shared by several values (add passes its own on)
  // is named after the value it was computed for.
  const named = new Map<string, Cotangent>();
  const name = (c: string, id: string, of: string) => {
    if (!named.has(c)) named.set(c, { id, of });
  };
  wrt.forEach((w, k) => name(grads[k]!, `grad.${w}`, w));
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const v = g.nodes[k]!.id;
    const c = cot.get(v);
    if (c !== undefined) name(c, `d.${v}`, v);
  }
  return rebuild(b.build([loss, ...grads]), named);
}

/** Values on some path from a `wrt` value to the loss. */
function activeValues(g: Graph, loss: string, wrt: readonly string[]): Set<string> {
  const depends = new Set(wrt);
  for (const n of g.nodes) if (n.inputs.some((i) => depends.has(i))) depends.add(n.id);
  const reaches = new Set([loss]);
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (reaches.has(n.id)) for (const i of n.inputs) reaches.add(i);
  }
  return new Set([...depends].filter((v) => reaches.has(v)));
}

/** A cotangent's final name, and the value it is the cotangent of. */
interface Cotangent {
  id: string;
  of: string;
}

/** Drops nodes no output reads and gives the survivors their final names, and the cotangents their roles. */
function rebuild(g: Graph, cotangents: ReadonlyMap<string, Cotangent>): Graph {
  const live = new Set(g.outputs);
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (live.has(n.id)) for (const i of n.inputs) live.add(i);
  }
  const b = new GraphBuilder(g.title);
  const id = new Map<string, string>();
  const rename = (i: string) => id.get(i)!;
  for (const n of g.nodes) {
    if (!live.has(n.id)) continue;
    const c = cotangents.get(n.id);
    id.set(n.id, b.copy(c ? { ...n, role: { kind: 'cotangent', of: c.of } } : n, n.inputs.map(rename), c?.id ?? n.id));
  }
  return b.build(g.outputs.map(rename));
}
