// The step program: everything one step runs on a device, decided here. For
// training that is the minibatch gather, the graph's forward and backward
// kernels, and the optimizer update; for a graph run alone (`tx grad`), the
// kernels. The program lists the dispatches in order, each with its WGSL
// and workgroup counts, the buffers with their bindings and sizes, and what
// the host reads back. The runtime creates what it lists and records the
// dispatches in their order; it decides nothing.
import type { Graph } from '../ir/graph.js';
import type { Target } from '../ir/target.js';
import type { BufferName, StepBuffer } from './bindings.js';
import { arenaBuffers, checkFits, checkStorageBindings, fits, offsetsBuffer, stateBuffer, stateHeader, trajectoriesBuffer, uniformBuffer, windowsBuffer } from './bindings.js';
import { bankDecls, KERNEL_DECLS, OFFSETS_STRIDE, trainDecls } from '../wgsl/bindings.js';
import type { DataLayout, GatherPlan } from './gather.js';
import { gatherPhase, planGather } from './gather.js';
import { groupLabel, groupPhases, groupWorkgroups } from './merge.js';
import { normsPhase } from './norms.js';
import type { OptimizerPlan, OptimizerSpec } from './optimizer.js';
import { memberStateFloats, NORMS, normsAt, optimizerPhase, planOptimizer } from './optimizer.js';
import { firstBankStride } from './memory.js';
import type { Plan } from './plan.js';
import { plan } from './plan.js';
import type { Phase } from './wgsl.js';
import { groupModules, moduleKey } from './module-wgsl.js';

/** What a training step adds to the graph: the data it gathers from and the parameters it updates. */
export interface Training {
  data: DataLayout;
  /** The emulator's parameters, in the order of the optimizer state. */
  params: readonly { name: string; size: number }[];
  optimizer: OptimizerSpec;
}

export interface StepOptions {
  target: Target;
  /** The largest batch; smaller ones run with the same kernels and buffers. */
  maxBatch: number;
  /** Absent: the graph alone, its inputs written and its outputs read by the host. */
  training?: Training;
  /** A training step's ensemble (members.ts): this many members, each with its parameters, state and minibatch; 1 by default. */
  members?: number;
}

export interface StepDispatch {
  /** Its first phase's name. */
  name: string;
  /** What it computes, for pipeline labels and profiles. */
  label: string;
  /** One phase, or several merged into one workgroup (merge.ts). */
  phases: Phase[];
  /** Its WGSL; dispatches whose code differs only in comments run one module. */
  code: string;
  /** Its module: an index into StepProgram.modules. */
  module: number;
  /** Where its arena offsets start in the offsets buffer; undefined where its code holds them as literals. */
  offsets: number | undefined;
  /** Its workgroups at a batch, over two dimensions past the first's limit; the third is the members of an ensemble. */
  workgroups(batch: number): { x: number; y: number; z: number };
}

/** Bytes the host copies out of a buffer. */
export interface Readback {
  /** In training 'loss' and, where the step clips, 'norms' (after every step) and 'state' (the parameters and optimizer state, when asked); for a graph alone, its outputs' ids. */
  name: string;
  buffer: BufferName;
  offset: number;
  bytes: number;
}

export interface StepProgram extends Plan {
  /** An ensemble's members (members.ts); 1 for a single run. */
  members: number;
  /** In a training step: where the gather writes, and the parameters and state the optimizer updates. */
  gather?: GatherPlan;
  optimizer?: OptimizerPlan;
  /** Set where each step's gradient sums stay apart to fit the target: the bytes the arena would take with them summed. */
  apartFrom?: number;
  dispatches: StepDispatch[];
  /** Distinct modules: dispatches whose code differs only in comments (a layer at another time step) share one, hence one pipeline. */
  modules: { label: string; code: string }[];
  /** In binding order. */
  buffers: StepBuffer[];
  readbacks: Readback[];
}

export function stepProgram(graph: Graph, o: StepOptions): StepProgram {
  const { target, maxBatch, training } = o;
  const members = o.members ?? 1;
  if (members > 1 && !training) throw new Error('internal: an ensemble of a graph alone');
  // The data before the arena: where neither fits, the data's hint comes first.
  const trajectories = training && trajectoriesBuffer(training.data);
  if (trajectories) checkFits(target, trajectories);
  const { plan: p, apartFrom } = fittingPlan(graph, maxBatch, target, members);
  const step = training ? trainingStep(p, training, trajectories!) : graphAlone(p);
  const { dispatches, modules, table } = dispatchesOf(groupPhases(step.phases, maxBatch), step.decls + bankDecls(p.memory.banks.length), members);
  const [arena, ...banks] = arenaBuffers(p.memory, maxBatch);
  const buffers = [arena!, uniformBuffer(), ...step.buffers, offsetsBuffer(table), ...banks];
  for (const b of buffers) checkFits(target, b);
  checkStorageBindings(target, buffers);
  const { gather, optimizer, readbacks } = step;
  return { ...p, members, ...(gather && { gather }), ...(optimizer && { optimizer }), ...(apartFrom !== undefined && { apartFrom }), dispatches, modules, buffers, readbacks };
}

/** What a step runs besides the plan's arena, uniform and offsets. */
interface Step {
  phases: Phase[];
  decls: string;
  buffers: StepBuffer[];
  readbacks: Readback[];
  gather?: GatherPlan;
  optimizer?: OptimizerPlan;
}

/**
 * The gather before the graph's kernels and the optimizer after them (after
 * the gradients' global norm where it clips), with the state, the data and
 * the window ids.
 */
function trainingStep(p: Plan, t: Training, trajectories: StepBuffer): Step {
  const E = p.memory.members;
  const gather = planGather(p.graph, p.memory, t.data, p.batch);
  const optimizer = planOptimizer(t.optimizer, t.params, p.graph, p.memory);
  const state = stateBuffer(optimizer);
  const norms = normsAt(optimizer);
  const updates = norms === undefined ? [optimizerPhase(optimizer)] : [normsPhase(optimizer), optimizerPhase(optimizer)];
  const header = stateHeader(E);
  // What each step logs, member after member: its loss, then its norms where the step clips.
  const logged = [...Array(E).keys()].flatMap((m): Readback[] => [
    { name: 'loss', buffer: 'arena', offset: (optimizer.loss + m * firstBankStride(p.memory)) * 4, bytes: 4 },
    ...(norms === undefined ? [] : [{ name: 'norms', buffer: 'state' as const, offset: header + (norms + m * memberStateFloats(optimizer)) * 4, bytes: NORMS * 4 }]),
  ]);
  return {
    phases: [gatherPhase(gather, p.target), ...p.phases, ...updates],
    decls: trainDecls(E),
    buffers: [state, trajectories, windowsBuffer(p.batch, E)],
    readbacks: [...logged, { name: 'state', buffer: 'state', offset: header, bytes: state.bytes - header }],
    gather,
    optimizer,
  };
}

/** The graph's kernels, their outputs read back. */
function graphAlone(p: Plan): Step {
  const readbacks = p.graph.outputs.map((id): Readback => ({ name: id, buffer: 'arena', offset: p.memory.slots.get(id)!.offset * 4, bytes: p.memory.slots.get(id)!.size * 4 }));
  return { phases: p.phases, decls: KERNEL_DECLS, buffers: [], readbacks };
}

/** A dispatch per group, the distinct modules among them, and the offsets uniform's contents (OFFSETS_STRIDE bytes a dispatch). */
function dispatchesOf(groups: Phase[][], decls: string, members: number): { dispatches: StepDispatch[]; modules: StepProgram['modules']; table: Uint32Array<ArrayBuffer> } {
  const codes = groupModules(decls, groups, members);
  const table = new Uint32Array((groups.length * OFFSETS_STRIDE) / 4);
  const modules: StepProgram['modules'] = [];
  const moduleOf = new Map<string, number>();
  const dispatches = groups.map((g, j): StepDispatch => {
    const { code, offsets } = codes[j]!;
    if (offsets) table.set(offsets, (j * OFFSETS_STRIDE) / 4);
    const key = moduleKey(code);
    const label = groupLabel(g);
    if (!moduleOf.has(key)) moduleOf.set(key, modules.push({ label, code }) - 1);
    return { name: g[0]!.name, label, phases: g, code, module: moduleOf.get(key)!, offsets: offsets && j * OFFSETS_STRIDE, workgroups: (batch) => ({ ...groupWorkgroups(g, batch), z: members }) };
  });
  return { dispatches, modules, table };
}

/**
 * The graph's plan within the target's limit. Summing a parameter's
 * per-step gradients in one kernel keeps every step's cotangents alive until
 * it runs: where that does not fit, the steps' sums stay apart.
 */
function fittingPlan(graph: Graph, maxBatch: number, target: Target, members: number): { plan: Plan; apartFrom?: number } {
  const summed = plan(graph, maxBatch, target, {}, members);
  const [arena] = arenaBuffers(summed.memory, maxBatch);
  if (fits(target, arena!)) return { plan: summed };
  const lean = plan(graph, maxBatch, target, { stepSums: false }, members);
  checkFits(target, arenaBuffers(lean.memory, maxBatch)[0]!);
  return { plan: lean, apartFrom: arena!.bytes };
}
