// Kernel order. Any topological order computes the same values; the order
// decides how many activations are alive at once. Backward kernels run as
// soon as their inputs exist: with `cut_bptt every k`, a segment's backward is
// ready right after its forward, so its activations die before the next
// segment's are made and peak memory grows with k, not with the rollout.
// (Without cuts the backward of step 1 needs the cotangent of step R, and no
// order can do better than keeping the whole chain.)
import type { Graph, Node } from '../ir/graph.js';
import type { Kernel } from './kernel.js';

/**
 * `backward` holds the values that depend on the loss's cotangent seed; among
 * ready kernels those run first, then forward kernels in graph order.
 */
export function schedule(kernels: readonly Kernel[], backward: ReadonlySet<string>): Kernel[] {
  const producer = new Map(kernels.map((k) => [k.root.id, k]));
  const waiting = new Map(kernels.map((k) => [k, new Set(k.reads.filter((r) => producer.has(r)))]));
  const readers = new Map<string, Kernel[]>();
  for (const k of kernels) for (const r of k.reads) readers.get(r)?.push(k) ?? readers.set(r, [k]);
  const position = new Map(kernels.map((k, i) => [k, i]));
  const ready = kernels.filter((k) => waiting.get(k)!.size === 0);
  const out: Kernel[] = [];
  while (ready.length) {
    ready.sort((a, b) => Number(backward.has(b.root.id)) - Number(backward.has(a.root.id)) || position.get(a)! - position.get(b)!);
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
