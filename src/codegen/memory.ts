// Memory: every stored value gets a range of one f32 arena, sized for the
// largest batch. Ranges are reused once their last reader has run (a
// linear-scan allocator over kernel order), or by that reader's own output
// where it reads the value only at the elements it writes; except the graph's
// inputs and outputs, which live from the first kernel to the last: inputs
// are written before the step and outputs read after it.
//
// A device binds at most so many bytes of a buffer to one binding (128 MiB
// on lavapipe and WebGPU's defaults), and a 2-D network's step easily holds
// more. The arena is then one buffer seen through several bindings, its
// banks: ranges that do not overlap, each within the limit, and no value
// crosses from one to the next. Kernels name a value's bank (bankAccess);
// the host addresses the one buffer.
//
// An ensemble's members (members.ts) each have a copy of every bank: bank k
// spans members x its floats, member m's copy m x its floats past its start.
import type { Graph } from '../ir/graph.js';
import { elements } from '../ir/graph.js';
import { UserError } from '../util/diagnostics.js';
import type { Fusion } from './kernel.js';
import { kernelOutputs, scratchSlot } from './kernel.js';
import { bankVariable } from '../wgsl/bindings.js';
import { memberTerm } from './members.js';
import { TABLES_SLOT } from './tables.js';

export interface Slot {
  /** In the arena buffer, in f32 elements. */
  offset: number;
  /** Elements at the largest batch. */
  size: number;
  /** The bank it lies in. */
  bank: number;
}

export interface Bank {
  /** Where it starts in the arena buffer, in f32 elements (a multiple of BANK_ALIGN). */
  base: number;
  floats: number;
}

export interface Memory {
  slots: Map<string, Slot>;
  /** Arena size in f32 elements. */
  floats: number;
  /** One bank, or several where the arena would not fit one binding. */
  banks: Bank[];
  /** Most f32 elements that computed values (not inputs) hold at once. */
  peakActivations: number;
  /** Members of an ensemble (1: a single run); the offsets and sizes above are one member's. */
  members: number;
}

/** A bank's start: 256 bytes, WebGPU's largest storage buffer offset alignment. */
export const BANK_ALIGN = 64;

/**
 * Where a value the gather or the optimizer reads through `arena` lies: the
 * graph's inputs and outputs are placed first, so in bank 0, whose offsets
 * are the buffer's.
 */
export function firstBankOffset(mem: Memory, id: string): number {
  const s = mem.slots.get(id);
  if (!s || s.bank !== 0) throw new Error(`internal: %${id} is not in the arena's first bank`);
  return s.offset;
}

/** How a kernel reads a slot: its bank's variable, its offset in the bank, and the term that moves it to the thread's member's copy. */
export function bankAccess(mem: Memory, s: Slot): { variable: string; offset: number; member: string } {
  const bank = mem.banks[s.bank]!;
  return { variable: bankVariable(s.bank), offset: s.offset - bank.base, member: memberTerm(mem.members, bank.floats) };
}

/** Where member 0's copy of a slot starts in the arena's buffer, in floats (each bank holds every member's copy). */
export function bufferOffset(mem: Memory, s: Slot): number {
  const bank = mem.banks[s.bank]!;
  return mem.members * bank.base + (s.offset - bank.base);
}

/** Floats of the first bank per member: where the host and the gather and optimizer find a member's copy of a value there. */
export function firstBankStride(mem: Memory): number {
  return mem.banks[0]!.floats;
}

/** `bankFloats`: the most f32 elements one binding may see, a multiple of BANK_ALIGN; an ensemble's members share it. */
export function allocate(g: Graph, f: Fusion, maxBatch: number, bankFloats = Infinity, members = 1, tables = 0): Memory {
  const perMember = bankFloats === Infinity ? Infinity : Math.floor(bankFloats / members / BANK_ALIGN) * BANK_ALIGN;
  const shapes = new Map(g.nodes.map((n) => [n.id, n.shape]));
  for (const k of f.kernels) if (k.scratch) shapes.set(scratchSlot(k), k.scratch);
  const size = (id: string) => elements(shapes.get(id)!, maxBatch);
  // The constant tables (tables.ts) live as long as the inputs.
  if (tables) shapes.set(TABLES_SLOT, [tables]);
  const pinned = new Set([...g.nodes.filter((n) => n.op === 'input').map((n) => n.id), ...g.outputs, ...(tables ? [TABLES_SLOT] : [])]);
  const lastUse = new Map<string, number>();
  f.kernels.forEach((k, t) => k.reads.forEach((r) => lastUse.set(r, t)));

  const slots = new Map<string, Slot>();
  // Free ranges, in whole cache lines.
  let free: Slot[] = [];
  const banks: Bank[] = [{ base: 0, floats: 0 }];
  const take = (id: string) => {
    const need = lines(size(id));
    if (need > perMember)
      throw new UserError(
        `a value of a step at batch ${maxBatch} (%${id}) takes ${mib(need * members)} MiB${members > 1 ? ` for ${members} members` : ''}, more than the ${mib(bankFloats)} MiB the GPU lets one binding see`,
        members > 1 ? 'train fewer seeds in one program' : 'use a smaller batch or a narrower network',
      );
    const fit = free.filter((s) => s.size >= need).sort((a, b) => a.size - b.size)[0];
    if (fit) {
      free = free.filter((s) => s !== fit);
      if (fit.size > need) free.push({ offset: fit.offset + need, size: fit.size - need, bank: fit.bank });
      slots.set(id, { offset: fit.offset, size: size(id), bank: fit.bank });
      return;
    }
    let last = banks[banks.length - 1]!;
    if (last.floats + need > perMember) {
      // The rest of the full bank stays free for smaller values.
      if (last.floats < perMember) free.push({ offset: last.base + last.floats, size: perMember - last.floats, bank: banks.length - 1 });
      last.floats = perMember;
      last = { base: last.base + perMember, floats: 0 };
      banks.push(last);
    }
    slots.set(id, { offset: last.base + last.floats, size: size(id), bank: banks.length - 1 });
    last.floats += need;
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
      const s = slots.get(r)!;
      free.push({ offset: s.offset, size: lines(size(r)), bank: s.bank });
    }
  });
  const last = banks[banks.length - 1]!;
  return { slots, floats: last.base + last.floats, banks, peakActivations, members };
}

function mib(floats: number): string {
  return ((floats * 4) / 2 ** 20).toFixed(1);
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
