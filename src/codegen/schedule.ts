// Kernel order. Any topological order computes the same values; the order
// decides how many activations are alive at once. Backward kernels run as
// soon as their inputs exist: with `cut_bptt every k`, a segment's backward is
// ready right after its forward, so its activations die before the next
// segment's are made and peak memory grows with k, not with the rollout.
// (Without cuts the backward of step 1 needs the cotangent of step R, and no
// order can do better than keeping the whole chain.) What still grows with
// the rollout is each step's parameter gradients and loss: they wait for the
// final sums (test/codegen/peak-memory.test.ts).
import type { Graph, Node } from '../ir/graph.js';
import type { Kernel } from './kernel.js';

/**
 * `backward` holds the values that depend on the loss's cotangent seed; among
 * ready kernels those run first, then forward kernels in graph order. Where
 * none is ready, a kernel outside `lossNeeds` (the forward) that a backward
 * kernel waits for, with nothing else left to wait for, runs first: a value
 * computed for the gradient alone that does not depend on the seed (a loss's
 * difference, when no kernel fuses it) sits where autodiff appended it, at
 * the end of the graph, and in graph order would keep its segment's
 * activations alive to the end of the step.
 */
export function schedule(kernels: readonly Kernel[], backward: ReadonlySet<string>, lossNeeds: ReadonlySet<string>): Kernel[] {
  const producer = new Map(kernels.map((k) => [k.root.id, k]));
  const waiting = new Map(kernels.map((k) => [k, new Set(k.reads.filter((r) => producer.has(r)))]));
  const readers = new Map<string, Kernel[]>();
  for (const k of kernels) for (const r of k.reads) readers.get(r)?.push(k) ?? readers.set(r, [k]);
  const position = new Map(kernels.map((k, i) => [k, i]));
  const ready = kernels.filter((k) => waiting.get(k)!.size === 0);
  const out: Kernel[] = [];
  while (ready.length) {
    ready.sort((a, b) => Number(backward.has(b.root.id)) - Number(backward.has(a.root.id)) || position.get(a)! - position.get(b)!);
    if (!backward.has(ready[0]!.root.id)) {
      const now = new Set(ready);
      const almostReady = (b: Kernel) => backward.has(b.root.id) && [...waiting.get(b)!].every((r) => now.has(producer.get(r)!));
      const feeds = ready.findIndex((k) => !lossNeeds.has(k.root.id) && (readers.get(k.root.id) ?? []).some(almostReady));
      if (feeds > 0) ready.unshift(...ready.splice(feeds, 1));
    }
    const k = ready.shift()!;
    out.push(k);
    for (const r of readers.get(k.root.id) ?? []) {
      const w = waiting.get(r)!;
      w.delete(k.root.id);
      if (w.size === 0) ready.push(r);
    }
  }
  if (out.length !== kernels.length) throw new Error('internal: kernel dependencies form a cycle');
  return out;
}

/** The cotangent seed (autodiff's role for it: the cotangent of the loss) and the values downstream of it. */
export function backwardValues(g: Graph): Set<string> {
  const seed = (n: Node) => n.role?.kind === 'cotangent' && n.role.of === g.outputs[0];
  const out = new Set<string>();
  for (const n of g.nodes) if (seed(n) || n.inputs.some((i) => out.has(i))) out.add(n.id);
  return out;
}

/** The values the loss is computed from: the forward. The rest is computed for the gradients alone. */
export function lossValues(g: Graph): Set<string> {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const out = new Set<string>();
  const todo = [g.outputs[0]!];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (out.has(id)) continue;
    out.add(id);
    todo.push(...byId.get(id)!.inputs);
  }
  return out;
}
