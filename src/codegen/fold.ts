// A layer's bias gradient computed by its weight gradient's kernel. Both are
// sums over the same cotangent: the weight's of its products with the
// layer's input, the bias's of the cotangent alone, over every axis but the
// channel. The weight gradient's register block loads each cotangent value
// anyway, so adding it to a per-channel sum costs one add per load, where a
// kernel of its own loads the whole cotangent again: on lavapipe W2's two
// 16-channel bias gradients took 2 of its 25 ms.
import { axesWithin } from '../ops/attrs.js';
import type { Kernel, Term } from './kernel.js';

export function foldChannelSums(kernels: readonly Kernel[]): Kernel[] {
  const position = new Map(kernels.map((k, i) => [k, i]));
  const readers = new Map<string, number[]>();
  kernels.forEach((k, i) => k.reads.forEach((r) => readers.get(r)?.push(i) ?? readers.set(r, [i])));
  const byCotangents = new Map<string, Kernel>();
  for (const k of kernels) if (channelSum(k)) byCotangents.set(cotangents(k), k);
  const folded = new Map<Kernel, Kernel>();
  const dropped = new Set<Kernel>();
  for (const w of kernels) {
    if (!w.tile?.channelSums) continue;
    const s = byCotangents.get(cotangents(w));
    if (!s || dropped.has(s) || s.root.shape[0] !== w.root.shape[0]) continue;
    // The pair runs where the later of the two did: nothing between may read either.
    const [from, to] = [position.get(w)!, position.get(s)!].sort((a, b) => a - b) as [number, number];
    if ([w.root.id, s.root.id].some((id) => (readers.get(id) ?? []).some((i) => i <= to))) continue;
    const both: Kernel = {
      ...w,
      channelSum: { root: s.root, ...(s.addends && { addends: s.addends }) },
      reads: [...new Set([...w.reads, ...s.reads])],
      readShapes: new Map([...w.readShapes, ...s.readShapes]),
    };
    folded.set(kernels[to]!, both);
    dropped.add(kernels[from]!);
  }
  return kernels.filter((k) => !dropped.has(k)).map((k) => folded.get(k) ?? k);
}

/** The reductions a kernel sums: its terms, or its root alone. */
function parts(k: Kernel): Term[] {
  return k.terms ?? [{ node: k.root, inputs: k.root.inputs }];
}

/** A key for the cotangents (input 0) of a kernel's reductions, in order. */
function cotangents(k: Kernel): string {
  return JSON.stringify(parts(k).map((t) => t.inputs[0]));
}

/** Whether a kernel sums stored values over every axis but axis 1: a bias gradient. */
function channelSum(k: Kernel): boolean {
  if (k.rule.kind !== 'reduce' || k.prologue || k.fused.length > 0 || k.tile) return false;
  return parts(k).every(({ node: n, inputs }) => {
    const rank = k.readShapes.get(inputs[0]!)?.length;
    if (n.op !== 'sum' || n.shape.length !== 1 || rank === undefined || rank < 2) return false;
    const axes = [...axesWithin(n.attrs.axes, rank, 'sum')].sort((a, b) => a - b);
    return JSON.stringify(axes) === JSON.stringify([...Array(rank).keys()].filter((a) => a !== 1));
  });
}
