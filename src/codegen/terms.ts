// Sums over time steps in one kernel. A parameter that every step of a
// rollout uses gets its gradient as a chain of adds over the steps'
// contributions: dense_w of each step's cotangent and input, or the sum of a
// bias's cotangent. Computed apart, that is one reduction kernel per step and
// an add at the end; on lavapipe each small one costs ~40 us, most of it the
// dispatch and the sum's setup (W4: 50 of its 131 dispatches). When every
// contribution is the same reduction of stored values, one kernel sums them
// all, walking the steps' inputs in turn (Kernel.terms), and adds the
// chain's other values at each element as it writes (Kernel.addends: the
// last step's contribution, when its cotangent is an expression computed
// in its own kernel rather than stored).
//
// The merged kernel runs where the add did, after the last contribution's
// inputs exist, so the earlier ones' inputs live until then: memory traded
// for dispatches (the Lorenz MLP's peak activations grow from 1.3 to
// 2.4 MiB: the cotangents kept are about as large as the activations its
// forward keeps for the backward). Across a forward kernel the trade would
// undo `cut_bptt` (a segment's inputs would outlive the segment), so only
// contributions in one run of backward kernels merge: without cuts, the
// whole backward.
import type { Node } from '../ir/graph.js';
import { sameShape } from '../ir/graph.js';
import type { Kernel, Term } from './kernel.js';

export function mergeTerms(kernels: readonly Kernel[], backward: ReadonlySet<string>, outputs: ReadonlySet<string>): Kernel[] {
  const position = new Map(kernels.map((k, i) => [k.root.id, i]));
  const readers = new Map<string, Kernel[]>();
  for (const k of kernels) for (const r of k.reads) readers.get(r)?.push(k) ?? readers.set(r, [k]);
  const merged = new Map<Kernel, Kernel>();
  const dropped = new Set<Kernel>();
  for (const sum of kernels) {
    const leaves = addLeaves(sum);
    if (!leaves) continue;
    // The largest set of the same reduction becomes the terms; the chain's other values are added as they are.
    const groups: Kernel[][] = [];
    for (const id of leaves) {
      const p = position.has(id) ? kernels[position.get(id)!]! : undefined;
      if (!p || !plainReduction(p) || outputs.has(id) || readers.get(id)!.length !== 1) continue;
      const g = groups.find((x) => sameReduction(x[0]!, p));
      if (g) g.push(p);
      else groups.push([p]);
    }
    const parts = groups.sort((a, b) => b.length - a.length)[0];
    if (!parts || parts.length < 2) continue;
    const at = parts.map((p) => position.get(p.root.id)!).sort((a, b) => a - b);
    if (kernels.slice(at[0], at.at(-1)).some((k) => !backward.has(k.root.id))) continue;
    const terms = at.map((i): Term => ({ node: kernels[i]!.root, inputs: sources(kernels[i]!) }));
    const addends = leaves.filter((id) => !terms.some((t) => t.node.id === id));
    if (addends.some((a) => !sameShape(sum.readShapes.get(a)!, sum.root.shape))) continue;
    merged.set(sum, {
      ...parts[0]!,
      name: sum.name,
      root: sum.root,
      terms,
      ...(addends.length && { addends }),
      fused: [],
      reads: [...new Set([...terms.flatMap((t) => t.inputs), ...addends])],
      // The shapes of the terms' inputs as they see them (before a reshape), for codegen.
      readShapes: new Map([...parts.flatMap((p) => [...p.readShapes, ...p.fused.map((n): [string, Node['shape']] => [n.id, n.shape])]), ...addends.map((a): [string, Node['shape']] => [a, sum.readShapes.get(a)!])]),
    });
    parts.forEach((p) => dropped.add(p));
  }
  return kernels.filter((k) => !dropped.has(k)).map((k) => merged.get(k) ?? k);
}

/** The values a kernel adds up, when it is nothing but a chain of adds of stored values, each once. */
function addLeaves(k: Kernel): string[] | undefined {
  if (k.rule.kind !== 'expr' || k.prologue || k.root.op !== 'add' || !k.fused.every((n) => n.op === 'add')) return undefined;
  const inner = new Map(k.fused.map((n) => [n.id, n]));
  const leaves: string[] = [];
  const walk = (n: Node) => n.inputs.forEach((id) => (inner.has(id) ? walk(inner.get(id)!) : leaves.push(id)));
  walk(k.root);
  return new Set(leaves).size === leaves.length ? leaves : undefined;
}

/** The stored value each input of a reduction reads: itself, or what a reshape fused into the kernel reshapes. */
function sources(k: Kernel): string[] {
  return k.root.inputs.map((id) => k.fused.find((n) => n.id === id)?.inputs[0] ?? id);
}

/** A reduction that reads each of its inputs from memory, directly or through a reshape, and nothing else. */
function plainReduction(k: Kernel): boolean {
  const ins = k.root.inputs;
  const reshapes = k.fused.every((n) => n.op === 'reshape' && ins.includes(n.id) && k.reads.includes(n.inputs[0]!));
  return k.rule.kind === 'reduce' && !k.prologue && !k.terms && reshapes && new Set(sources(k)).size === ins.length && k.reads.length === ins.length;
}

/** Whether two reductions run the same code on different inputs. */
function sameReduction(a: Kernel, b: Kernel): boolean {
  const shapes = (k: Kernel) => JSON.stringify(k.root.inputs.map((i) => k.readShapes.get(i) ?? k.fused.find((n) => n.id === i)!.shape));
  return (
    a.root.op === b.root.op &&
    JSON.stringify(a.root.attrs) === JSON.stringify(b.root.attrs) &&
    shapes(a) === shapes(b) &&
    a.tree === b.tree &&
    a.workgroup === b.workgroup &&
    a.tile?.size === b.tile?.size
  );
}
