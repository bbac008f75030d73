// Memory: every stored value gets a range of one f32 arena, sized for the
// largest batch. Ranges are reused once their last reader has run (a
// linear-scan allocator over kernel order), or by that reader's own output
// where it reads the value only at the elements it writes; except the graph's
// inputs and outputs, which live from the first kernel to the last: inputs
// are written before the step and outputs read after it.
import type { Graph } from '../ir/graph.js';
import { elements } from '../ir/graph.js';
import type { Fusion } from './kernel.js';
import { kernelOutputs, scratchSlot } from './kernel.js';

export interface Slot {
  offset: number;
  /** Elements at the largest batch. */
  size: number;
}

export interface Memory {
  slots: Map<string, Slot>;
  /** Arena size in f32 elements. */
  floats: number;
  /** Most f32 elements that computed values (not inputs) hold at once. */
  peakActivations: number;
}

export function allocate(g: Graph, f: Fusion, maxBatch: number): Memory {
  const shapes = new Map(g.nodes.map((n) => [n.id, n.shape]));
  for (const k of f.kernels) if (k.scratch) shapes.set(scratchSlot(k), k.scratch);
  const size = (id: string) => elements(shapes.get(id)!, maxBatch);
  const pinned = new Set([...g.nodes.filter((n) => n.op === 'input').map((n) => n.id), ...g.outputs]);
  const lastUse = new Map<string, number>();
  f.kernels.forEach((k, t) => k.reads.forEach((r) => lastUse.set(r, t)));

  const slots = new Map<string, Slot>();
  // Free ranges, in whole cache lines.
  let free: Slot[] = [];
  let floats = 0;
  const take = (id: string) => {
    const need = lines(size(id));
    const fit = free.filter((s) => s.size >= need).sort((a, b) => a.size - b.size)[0];
    if (fit) {
      free = free.filter((s) => s !== fit);
      if (fit.size > need) free.push({ offset: fit.offset + need, size: fit.size - need });
      slots.set(id, { offset: fit.offset, size: size(id) });
    } else {
      slots.set(id, { offset: floats, size: size(id) });
      floats += need;
    }
  };
  for (const id of pinned) take(id);
  let live = 0;
  let peakActivations = 0;
  f.kernels.forEach((k, t) => {
    // An output may take the memory of a value the kernel reads last, and
    // only at the element it writes (a loss seed folded into a cotangent).
    const dying = (r: string) => !pinned.has(r) && lastUse.get(r) === t;
    const heir = slots.has(k.root.id) ? undefined : k.inPlace.find((r) => dying(r) && size(r) === size(k.root.id));
    if (heir) slots.set(k.root.id, slots.get(heir)!);
    const outs = kernelOutputs(k);
    // A scratch value is taken with the outputs and freed as soon as the kernel has run.
    const scratch = k.scratch ? [scratchSlot(k)] : [];
    for (const o of [...outs, ...scratch]) if (!slots.has(o)) take(o);
    live += [...outs, ...scratch].reduce((a, o) => a + size(o), 0) - (heir ? size(heir) : 0);
    peakActivations = Math.max(peakActivations, live);
    for (const r of [...k.reads, ...outs, ...scratch]) {
      if (r === heir || pinned.has(r) || (lastUse.get(r) ?? t) > t) continue;
      live -= size(r);
      free.push({ offset: slots.get(r)!.offset, size: lines(size(r)) });
    }
  });
  return { slots, floats, peakActivations };
}

/**
 * Slots start on 64-byte cache lines and take whole lines. A kernel's
 * threads write their blocks of a row side by side; where a block straddled
 * a line that a thread on another core wrote too, lavapipe ran the kernel up
 * to twice as slowly (W4's 64 x 64 products: 0.19 or 0.37 ms by slot).
 */
const LINE_FLOATS = 16;

/** Floats a slot of `floats` takes: whole cache lines. */
export function lines(floats: number): number {
  return Math.ceil(floats / LINE_FLOATS) * LINE_FLOATS;
}
