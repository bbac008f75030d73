// WGSL for one kernel, as a phase: a function of a thread index. Its
// inlined producers become functions of a flat index; its root op writes one
// element per thread (map, loop), a register block per thread (tiles), or
// one element per workgroup (reduce, summed in a tree: WGSL has no float
// atomics). A phase runs as its own dispatch, or with its neighbours in one
// merged dispatch (merge.ts; its module: module-wgsl.ts). All values live in one f32 arena binding, so
// no kernel needs more than three bindings (arena, step uniform, offsets).
import type { Node } from '../ir/graph.js';
import { elements } from '../ir/graph.js';
import type { TileWrite, WgslCtx, WgslRule } from '../ops/op.js';
import { tileThreads } from '../ops/op.js';
import { countExpr, tripCount } from '../wgsl/text.js';
import { opDef } from '../ops/registry.js';
import type { Kernel } from './kernel.js';
import { kernelOps, kernelOutputs } from './kernel.js';
import type { Memory } from './memory.js';
import { TABLES_SLOT, type Tables } from './tables.js';
import { bankAccess } from './memory.js';
import type { Place } from './sum-wgsl.js';
import { sequentialSum, sumTerms, SWEEP_OUTPUTS, sweepSum, treeSum, withAddends } from './sum-wgsl.js';

/** A range of arena floats, [offset, offset + size). */
export type Range = [offset: number, size: number];

/**
 * What a module that runs a phase names it by: `prefix` starts each name the
 * phase defines (several phases share a merged module), and `offset(j)` is
 * its j-th arena offset, a literal or read from the dispatch's uniform.
 */
export interface Names {
  prefix: string;
  offset(j: number): string;
}

/**
 * A phase's WGSL: `code` defines `fn <fn>(t: u32)`, which does thread t's
 * work and returns at once for t >= count; a workgroup-tree reduction has its
 * own entry point (`entry`) instead.
 */
export interface PhaseCode {
  fn: string;
  code: string;
  entry?: string;
  /**
   * In a merged dispatch: `fn <fn>(lid: u32)`, the whole phase computed by
   * the workgroup together (sweepSum); `defs`, the fused values' functions it
   * calls, which `code` holds too but a sweep alone needs without it.
   */
  sweep?: { fn: string; code: string; defs: string };
}

/** A kernel, the gather or the optimizer as a unit of a dispatch: its WGSL and how it runs. */
export interface Phase {
  /** What the plan and the dispatches call it: a kernel's name (its root value), 'gather' or 'optimizer'. */
  name: string;
  label: string;
  /** Its code under a module's names. */
  emit(names: Names): PhaseCode;
  /** Threads, as a WGSL u32 expression and at a given batch. */
  count: string;
  threads(batch: number): number;
  workgroup: number;
  /** A workgroup-tree reduction: a workgroup per output, never merged. */
  tree?: { groups(batch: number): number };
  /** Whether it may share a dispatch (Kernel.light): not a tree, light per thread (no register blocks), for GPU shapes little work in all. */
  merge: boolean;
  /**
   * Whether its code uses subgroup builtins. Its threads then come in whole
   * subgroups (the count is a multiple of the subgroup), so its early return
   * leaves every subgroup whole or empty, which WGSL's uniformity analysis
   * cannot see: the module turns that check off.
   */
  subgroups?: boolean;
  /** For a dispatch op's pass (DispatchPass): what it does. */
  pass?: string;
  /** Whether its code has a sweep (PhaseCode.sweep). */
  hasSweep?: boolean;
  /**
   * Whether it runs as its sweep in a dispatch of its own too. For GPU
   * shapes: one thread per output would sum alone, and W4's bias gradient
   * (3 outputs, 2560 terms each) took 0.3 ms so on an H200.
   */
  sweepAlone?: boolean;
  /** The arena offsets its code refers to, as Names.offset(j). */
  offsets: number[];
  /** Arena ranges read and written; 'all' orders the phase after and before every other. */
  reads: Range[] | 'all';
  writes: Range[] | 'all';
}

/** The elementwise chain on the prologue's value `value` at element i, in registers; the root's value last. */
function epilogue(k: Kernel, ctx: (n: Node) => WgslCtx, locals: Map<string, string>, value: string): { stmts: string[]; value: string } {
  const stmts = [`let pro = ${value};`];
  locals.set(k.prologue!.id, 'pro');
  // A bias the block started from is in its value already.
  const expr = (n: Node) => (n === k.biasInit ? 'pro' : exprOf(n).expr(ctx(n), 'i'));
  k.epilogue.forEach((n, j) => {
    stmts.push(`let epi${j} = ${expr(n)};`);
    locals.set(n.id, `epi${j}`);
  });
  return { stmts, value: expr(k.root) };
}

function loopOf(n: Node): Extract<WgslRule, { kind: 'loop' }> {
  const r = opDef(n.op).wgsl;
  if (r?.kind !== 'loop') throw new Error(`internal: %${n.id} is not a loop op`);
  return r;
}

function exprOf(n: Node): Extract<WgslRule, { kind: 'expr' }> {
  const r = opDef(n.op).wgsl;
  if (r?.kind !== 'expr') throw new Error(`internal: %${n.id} is not an expression`);
  return r;
}

/** Kernel `k` as a phase. */
export function kernelPhase(k: Kernel, mem: Memory, tables: Tables): Phase {
  // Offsets are numbered in the order the code first refers to them, the
  // same in every emission: the first, with literals, numbers them all.
  const offsets: number[] = [];
  const emit = (names: Names) =>
    kernelCode(k, mem, tables, names.prefix, (offset) => {
      if (!offsets.includes(offset)) offsets.push(offset);
      return names.offset(offsets.indexOf(offset));
    });
  const { fn: _, code: __, entry, sweep, ...phase } = emit({ prefix: '', offset: (j) => `${offsets[j]}u` });
  return {
    ...phase,
    offsets,
    ...(phase.tree && { tree: { groups: phase.tree.groups } }),
    ...(sweep && { hasSweep: true }),
    emit: (names) => {
      const c = emit(names);
      return { fn: c.fn, code: c.code, ...(c.entry && { entry: c.entry }), ...(c.sweep && { sweep: c.sweep }) };
    },
  };
}

type KernelCode = Omit<Phase, 'emit' | 'offsets' | 'hasSweep'> & PhaseCode;

/** Kernel `k`'s code and how it runs; `at` names an arena offset. */
function kernelCode(k: Kernel, mem: Memory, tables: Tables, prefix: string, at: (offset: number) => string): KernelCode {
  const shapes = new Map<string, Node['shape']>();
  for (const n of [...k.fused, k.root]) shapes.set(n.id, n.shape);
  // Named by position, not by value: the same layer at another time step is
  // then the same text, hence one pipeline.
  const fnName = new Map(k.fused.map((n, j) => [n.id, `${prefix}v${j}`]));
  let counter = 0;
  // Values an epilogue holds in registers: read only at the element computed.
  const locals = new Map<string, string>();
  // A stored value in its bank of the arena, at an offset the kernel names with `at`.
  const place: Place = (id) => {
    const { variable, offset, member } = bankAccess(mem, mem.slots.get(id)!);
    return { variable, offset: at(offset) + member };
  };
  const valueAt = (id: string, idx: string) => {
    const p = place(id);
    return `${p.variable}[${p.offset} + ${idx}]`;
  };
  const ctx = (n: Node): WgslCtx => ({
    x: (slot, idx) => {
      const id = n.inputs[slot]!;
      const local = locals.get(id);
      if (local) {
        if (idx !== 'i') throw new Error(`internal: ${k.name} reads its epilogue value %${id} off its own element`);
        return local;
      }
      const f = fnName.get(id);
      if (f) return `${f}(${idx})`;
      if (!mem.slots.has(id)) throw new Error(`internal: %${id} is neither stored nor fused in ${k.name}`);
      return valueAt(id, idx);
    },
    out: n.shape,
    ins: n.inputs.map((i) => shapeOf(i)),
    attrs: n.attrs,
    fresh: (tag) => `${tag}_${counter++}`,
    bound: (n) => (k.target.shapes === 'gpu' ? `${n}u` : tripCount(n)),
    table: (values) => {
      // Member 0's copy, which the host wrote: no member term.
      const { variable, offset } = bankAccess(mem, mem.slots.get(TABLES_SLOT)!);
      const first = at(offset + tables.add(values));
      return (index) => `${variable}[${first} + ${index}]`;
    },
  });
  const shapeOf = (id: string) => shapes.get(id) ?? k.readShapes.get(id)!;

  const fns = k.fused.map((n) => {
    const rule = n.op === 'input' ? undefined : k.rules.get(n.id);
    if (rule?.kind !== 'expr') throw new Error(`internal: fused %${n.id} is not an expression`);
    return `fn ${fnName.get(n.id)}(i: u32) -> f32 { return ${rule.expr(ctx(n), 'i')}; }`;
  });
  const terms = k.terms;
  const sums = sumTerms(terms, k.addends, place, (id) => bankAccess(mem, mem.slots.get(id)!).variable, prefix);
  const c: WgslCtx = terms ? { ...ctx(terms[0]!.node), x: (slot, idx) => sums.input(slot, idx) } : ctx(k.root);
  const rule = k.rule;
  if (rule.kind === 'dispatch') throw new Error(`internal: ${k.name} runs its own passes (dispatch-wgsl.ts)`);
  const fn = `${prefix}phase`;
  const phase = {
    name: k.name,
    label: `%${k.name} ${kernelOps(k)}`,
    fn,
    workgroup: k.workgroup,
    reads: k.reads.map((r): Range => [mem.slots.get(r)!.offset, mem.slots.get(r)!.size]),
    writes: kernelOutputs(k).map((o): Range => [mem.slots.get(o)!.offset, mem.slots.get(o)!.size]),
    merge: k.light,
    ...((k.tile?.subgroup || k.treeLanes) && { subgroups: true }),
  };
  const count = (batch: number) => elements(k.root.shape, batch);
  const header = `// ${kernelOutputs(k).join(', ')}: ${kernelOps(k)} [${k.root.shape.join(',')}]${k.fused.length ? `, fused ${k.fused.map((n) => n.op).join(' ')}` : ''}\n${fns.map((f) => f + '\n').join('')}`;
  if (rule.kind === 'reduce' && k.tree) {
    const entry = treeSum(rule, c, sums, valueAt(k.root.id, 'i'), k.treeLanes, prefix, k.treeUnroll);
    return { ...phase, code: header, count: `${count(1)}u`, threads: count, entry, tree: { groups: count } };
  } else if (k.tile) {
    const pc = k.prologue ? ctx(k.prologue) : c;
    const bias = k.biasInit;
    const cs = k.channelSum;
    const body = k.tile.body(pc, 't', bias && ((axis1) => exprOf(bias).channelAddend!(ctx(bias), axis1)), Boolean(cs));
    if (terms && !body.sum) throw new Error(`internal: ${k.name} sums terms with a block that does not say where its sum is`);
    if (cs && !body.channelWrites) throw new Error(`internal: ${k.name}'s block does not sum its channels`);
    const channelWrite = ([idx, v, guard]: TileWrite) => `if (${guard ?? 'true'}) { ${valueAt(cs!.root.id, idx)} = ${withAddends(idx, v, place, cs!.addends)}; }`;
    const { threads } = k.tile;
    const { fixed, batchBlock } = threads;
    const write = ([idx, v, guard]: TileWrite) => {
      let store = `${valueAt(k.root.id, idx)} = ${sums.plus(idx, v)};`;
      if (k.prologue) {
        const e = epilogue(k, ctx, locals, v);
        store = `{ let i = ${idx}; ${e.stmts.join(' ')} ${valueAt(k.root.id, 'i')} = ${e.value}; }`;
      }
      return guard ? `if (${guard}) ${store.startsWith('{') ? store : `{ ${store} }`}` : store;
    };
    const total = batchBlock ? `${fixed}u * ((u.B + ${batchBlock - 1}u) / ${batchBlock}u)` : `${fixed}u`;
    return {
      ...phase,
      count: total,
      threads: (batch) => tileThreads(threads, batch),
      code: `${header}fn ${fn}(t: u32) {
  if (t >= ${total}) { return; }
  ${[...body.stmts, ...sums.over(body.sum ?? [])].join('\n  ')}
  ${[...writeLoop(body.writes, write, prefix), ...(body.channelWrites ?? []).map(channelWrite)].join('\n  ')}
}
`,
    };
  } else {
    let body: { stmts: string[]; value: string };
    if (k.prologue) {
      const loop = loopOf(k.prologue).body(ctx(k.prologue), 'i');
      const e = epilogue(k, ctx, locals, loop.value);
      body = { stmts: [...loop.stmts, ...e.stmts], value: e.value };
    } else body = rule.kind === 'loop' ? rule.body(c, 'i') : rule.kind === 'reduce' ? sequentialSum(rule, c, sums) : { stmts: [], value: rule.expr(c, 'i') };
    const outputs = k.root.shape.includes('B') ? Infinity : count(1);
    const sweep = rule.kind === 'reduce' && !k.prologue && outputs <= SWEEP_OUTPUTS ? sweepSum(rule, c, outputs, `${prefix}sweep`, valueAt(k.root.id, 'i'), sums) : undefined;
    return {
      ...phase,
      count: countExpr(k.root.shape),
      threads: count,
      ...(sweep && { sweep: { fn: `${prefix}sweep`, code: sweep, defs: fns.map((f) => f + '\n').join('') }, sweepAlone: k.target.shapes === 'gpu' }),
      code: `${header}fn ${fn}(i: u32) {
  if (i >= ${countExpr(k.root.shape)}) { return; }
  ${body.stmts.join('\n  ')}
  ${valueAt(k.root.id, 'i')} = ${body.value};
}
`,
    };
  }
}

/** Writes of a block up to this many are straight-line code, and up to STRAIGHT_STORES where they are light (writeLoop). */
const STRAIGHT_WRITES = 8;
const STRAIGHT_STORES = 64;

/**
 * A register block's writes: its values, indices and guards go into private
 * arrays, and one loop stores them. Straight-line, each of a 16 x 8 block's
 * 128 scattered stores with its epilogue's loads is expanded per lane, and
 * lavapipe took 9.4 s to compile W2's input-gradient block against 0.5 s
 * with the loop. The loop costs a private store and load per output, which
 * doubled the time of W2's 1 -> 16 layer (5 FMAs an output): a block of
 * light stores (no loads, no tanh) up to STRAIGHT_STORES stays straight.
 */
function writeLoop(writes: readonly TileWrite[], write: (w: TileWrite) => string, prefix: string): string[] {
  const n = writes.length;
  // What makes straight-line writes slow to compile: loads (a fused value, an addend) and tanh's exp.
  const heavy = writes.length > 0 && /\bv\d+\(|tx_\w+\(|arena\[/.test(write(writes[0]!).replace(/arena\[[^\]]*\] =/g, ''));
  if (n <= STRAIGHT_WRITES || (n <= STRAIGHT_STORES && !heavy)) return writes.map(write);
  const guarded = writes.some(([, , g]) => g);
  const [v, i, g, j] = ['wv', 'wi', 'wg', 'wj'].map((x) => `${prefix}${x}`) as [string, string, string, string];
  return [
    `var ${v}: array<f32, ${n}>; var ${i}: array<u32, ${n}>;${guarded ? ` var ${g}: array<bool, ${n}>;` : ''}`,
    ...writes.map(([idx, val, guard], k) => `${v}[${k}] = ${val}; ${i}[${k}] = ${idx};${guarded ? ` ${g}[${k}] = ${guard ?? 'true'};` : ''}`),
    `for (var ${j} = 0u; ${j} < ${tripCount(n)}; ${j}++) {`,
    `  ${write([`${i}[${j}]`, `${v}[${j}]`, guarded ? `${g}[${j}]` : undefined])}`,
    `}`,
  ];
}
