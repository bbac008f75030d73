// The optimizer update as one kernel over every parameter of the emulator,
// written as optax computes it in float32 (optax.adam with eps outside the
// square root, optax.adamw, optax.sgd; each after optax.clip_by_global_norm
// where the run clips, by the norm the norms phase left, norms.ts). It reads
// the gradients the backward left in the arena and keeps the parameters and moments in the optimizer state, copying
// the new parameters into their arena slots for the next step's forward.
import type * as A from '../dsl/ast.js';
import type { Graph } from '../ir/graph.js';
import { gradientOf } from '../ir/role.js';
import { MAP_WORKGROUP } from './kernel.js';
import type { Memory } from './memory.js';
import { firstBankOffset, firstBankStride } from './memory.js';
import { MEMBER, memberTerm } from './members.js';
import type { Phase } from './wgsl.js';
import { abstractFloat } from '../wgsl/text.js';

export type OptimizerKind = 'adam' | 'adamw' | 'sgd';

/** What the update computes: the optimizer, adamw's weight decay, and the global norm the gradients are clipped to. */
export interface OptimizerSpec {
  kind: OptimizerKind;
  weightDecay?: number;
  clipNorm?: number;
}

/** A train block's optimizer, as the step compiles it. */
export function optimizerSpec(t: Pick<A.TrainDecl, 'optimizer' | 'weightDecay' | 'clipNorm'>): OptimizerSpec {
  return { kind: t.optimizer, ...(t.weightDecay !== undefined && { weightDecay: t.weightDecay }), ...(t.clipNorm !== undefined && { clipNorm: t.clipNorm }) };
}

/** optax.adam's defaults: the update here and the float64 one (train/optimizer.ts) both use them. */
export const ADAM = { b1: 0.9, b2: 0.999, eps: 1e-8 } as const;

export interface OptimizerPlan extends OptimizerSpec {
  /** Per parameter tensor, in state order: its name, floats, its gradient's arena offset, its arena slot (absent when the graph never reads it). */
  tensors: { name: string; size: number; grad: number; param?: number }[];
  /** Arena offset of the loss. */
  loss: number;
  /** An ensemble's members (members.ts), each with its state; and the arena floats between two members' copies of the offsets above. */
  members: number;
  arenaStride: number;
}

/** The update of `params` (in state order) from the gradients the graph leaves in the arena. */
export function planOptimizer(spec: OptimizerSpec, params: readonly { name: string; size: number }[], graph: Graph, memory: Memory): OptimizerPlan {
  const slot = (id: string) => memory.slots.get(id);
  // The graph's outputs after the loss are the gradients, each the cotangent of its parameter (autodiff's role).
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const gradOf = new Map(graph.outputs.slice(1).map((id) => [gradientOf(byId.get(id)?.role, id), id]));
  const tensors = params.map(({ name, size }) => {
    const grad = gradOf.get(name);
    if (!grad || !slot(grad)) throw new Error(`internal: the graph has no gradient for '${name}'`);
    const input = graph.nodes.find((n) => n.op === 'input' && n.attrs.param === name);
    return { name, size, grad: firstBankOffset(memory, grad), param: input && firstBankOffset(memory, input.id) };
  });
  return { ...spec, tensors, loss: firstBankOffset(memory, graph.outputs[0]!), members: memory.members, arenaStride: firstBankStride(memory) };
}

/** The statement that reads parameter i's gradient `g`: as the backward left it, or clipped to the global norm (optax's g / norm * max above max). */
function gradient(p: OptimizerPlan): string {
  const a = memberTerm(p.members, p.arenaStride);
  if (p.clipNorm === undefined) return `let g = arena[t.y + i - t.x${a}];`;
  const max = abstractFloat(p.clipNorm);
  return `let g0 = arena[t.y + i - t.x${a}];
  let norm = state.values[${normsAt(p)}u${memberTerm(p.members, memberStateFloats(p))}];
  let g = select((g0 / norm) * ${max}, g0, norm < ${max});`;
}

/**
 * `state.values` is regions of P floats (P: all parameters): the current
 * parameters and moments, then the same before the latest applied update,
 * which the update writes as it goes so that one step can be taken back.
 */
export function stateRegions(kind: OptimizerKind): { current: number; total: number } {
  return kind === 'sgd' ? { current: 1, total: 2 } : { current: 3, total: 6 };
}

/** Floats the norms phase writes after the regions: the gradients' global norm, then the parameters'. */
export const NORMS = 2;

/** Where in `state.values` the step's norms are, where it computes them (to clip): after the regions. */
export function normsAt(p: OptimizerPlan): number | undefined {
  return p.clipNorm === undefined ? undefined : stateRegions(p.kind).total * parameterCount(p);
}

export function parameterCount(p: OptimizerPlan): number {
  return p.tensors.reduce((a, t) => a + t.size, 0);
}

/** Floats of `state.values` per member: its regions, then its norms where the step computes them. */
export function memberStateFloats(p: OptimizerPlan): number {
  return stateRegions(p.kind).total * parameterCount(p) + (normsAt(p) === undefined ? 0 : NORMS);
}

/** The WGSL of a member's `halted` flag: one per member in an ensemble's state. */
export function haltedFlag(members: number): string {
  return members > 1 ? `state.halted[${MEMBER}]` : 'state.halted';
}

export function optimizerPhase(p: OptimizerPlan): Phase {
  const n = parameterCount(p);
  const NONE = 0xffffffff;
  let start = 0;
  const locate = p.tensors.map((t, j) => {
    const row = `return vec3<u32>(${start}u, ${t.grad}u, ${t.param ?? NONE}u);`;
    start += t.size;
    return j === p.tensors.length - 1 ? `  ${row}` : `  if (i < ${start}u) { ${row} }`;
  });
  const member = memberTerm(p.members, memberStateFloats(p));
  const r = (region: number) => (region ? `${region * n}u + i` : 'i') + member;
  const { b1, b2, eps } = ADAM;
  const decay = p.kind === 'adamw' && p.weightDecay ? ` + ${abstractFloat(p.weightDecay)} * p0` : '';
  const update =
    p.kind !== 'sgd'
      ? `let m0 = state.values[${r(1)}];
  let v0 = state.values[${r(2)}];
  state.values[${r(3)}] = p0;
  state.values[${r(4)}] = m0;
  state.values[${r(5)}] = v0;
  let m = ${abstractFloat(1 - b1)} * g + ${abstractFloat(b1)} * m0;
  let v = ${abstractFloat(1 - b2)} * (g * g) + ${abstractFloat(b2)} * v0;
  let p = p0 + -u.lr * ((m / u.c1) / (sqrt(v / u.c2) + ${abstractFloat(eps)})${decay});
  state.values[${r(1)}] = m;
  state.values[${r(2)}] = v;`
      : `state.values[${r(1)}] = p0;
  let p = p0 + -u.lr * g;`;
  const a = memberTerm(p.members, p.arenaStride);
  const halted = haltedFlag(p.members);
  const code = `// optimizer: ${p.kind} over ${n} parameters in ${p.tensors.length} tensor(s)
// Per tensor: its first parameter, its gradient's arena offset, its arena slot (${NONE}u: none).
fn locate(i: u32) -> vec3<u32> {
${locate.join('\n')}
}
fn optimizer(i: u32) {
  // After a non-finite loss the host wants the state that produced it, and
  // the steps already queued behind it must not move it: they all skip.
  let bad = (bitcast<u32>(arena[${p.loss}u${a}]) & 0x7f800000u) == 0x7f800000u;
  if (bad && i == 0u) { atomicStore(&${halted}, 1u); }
  if (bad || i >= ${n}u || atomicLoad(&${halted}) != 0u) { return; }
  let t = locate(i);
  ${gradient(p)}
  let p0 = state.values[${r(0)}];
  ${update}
  state.values[${r(0)}] = p;
  if (t.z != ${NONE}u) { arena[t.z + i - t.x${a}] = p; }
}
`;
  return { name: 'optimizer', label: 'optimizer', emit: () => ({ fn: 'optimizer', code }), count: `${n}u`, threads: () => n, workgroup: MAP_WORKGROUP, merge: true, offsets: [], reads: 'all', writes: 'all' };
}

