// The step program: everything one step runs on a device, decided here. For
// training that is the minibatch gather, the graph's forward and backward
// kernels, and the optimizer update; for a graph run alone (`tx grad`), the
// kernels. The program lists the dispatches in order, each with its WGSL
// module and workgroup counts, the buffers with their sizes and bindings,
// and what the host reads back. The runtime creates what it lists and
// records the dispatches in their order; it decides nothing.
import type { Graph } from '../ir/graph.js';
import type { Target } from '../ir/target.js';
import { STATE_HEADER, TRAIN_DECLS } from './bindings.js';
import type { BufferName, StepBuffer } from './buffers.js';
import { checkFits, fits, sized } from './buffers.js';
import type { DataLayout, GatherPlan } from './gather.js';
import { gatherPhase, planGather } from './gather.js';
import { groupLabel, groupPhases, groupWorkgroups } from './merge.js';
import type { OptimizerKind, OptimizerPlan } from './optimizer.js';
import { optimizerPhase, parameterCount, planOptimizer, stateRegions } from './optimizer.js';
import type { Plan } from './plan.js';
import { plan } from './plan.js';
import type { Phase } from './wgsl.js';
import { groupModules, KERNEL_DECLS, MAX_OFFSETS, moduleKey, OFFSETS_BINDING, OFFSETS_STRIDE, STEP_UNIFORM_BYTES } from './wgsl.js';

/** What a training step adds to the graph: the data it gathers from and the parameters it updates. */
export interface Training {
  data: DataLayout;
  /** The emulator's parameters, in the order of the optimizer state. */
  params: readonly { name: string; size: number }[];
  optimizer: OptimizerKind;
}

export interface StepOptions {
  target: Target;
  /** The largest batch; smaller ones run with the same kernels and buffers. */
  maxBatch: number;
  /** Absent: the graph alone, its inputs written and its outputs read by the host. */
  training?: Training;
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
  /** Its workgroups at a batch, over two dimensions past the first's limit. */
  workgroups(batch: number): { x: number; y: number };
  /** Its module: an index into StepProgram.modules. */
  module: number;
  /** Where its arena offsets start in the offsets buffer; undefined where its module holds them as literals. */
  offsets: number | undefined;
}

/** Bytes the host copies out of a buffer. */
export interface Readback {
  /** In training 'loss' (after every step) and 'state' (the parameters and optimizer state, when asked); for a graph alone, its outputs' ids. */
  name: string;
  buffer: BufferName;
  offset: number;
  bytes: number;
}

export interface StepProgram extends Plan {
  /** In a training step: where the gather writes, and the parameters and state the optimizer updates. */
  gather?: GatherPlan;
  optimizer?: OptimizerPlan;
  /** Set where the per-step gradient sums stay apart to fit the target: the bytes the arena would take with them. */
  apartFrom?: number;
  dispatches: StepDispatch[];
  /** Distinct modules: dispatches whose modules differ only in comments (a layer at another time step) share one, hence one pipeline. */
  modules: { label: string; code: string }[];
  buffers: StepBuffer[];
  readbacks: Readback[];
}

export function stepProgram(graph: Graph, o: StepOptions): StepProgram {
  const { target, maxBatch, training } = o;
  const data = training && trajectoriesBuffer(training.data);
  if (data) checkFits(target, data);
  const { plan: p, apartFrom } = fittingPlan(graph, maxBatch, target);
  const gather = training && planGather(graph, p.memory, training.data);
  const optimizer = training && planOptimizer(training.optimizer, training.params, graph, p.memory);
  const phases = gather && optimizer ? [gatherPhase(gather, target), ...p.phases, optimizerPhase(optimizer)] : p.phases;
  const groups = groupPhases(phases, maxBatch);
  const groupModuleList = groupModules(training ? TRAIN_DECLS : KERNEL_DECLS, groups);
  const modules: StepProgram['modules'] = [];
  const moduleOf = new Map<string, number>();
  const dispatches = groups.map((g, j): StepDispatch => {
    const { code, offsets } = groupModuleList[j]!;
    const key = moduleKey(code);
    const label = groupLabel(g);
    if (!moduleOf.has(key)) moduleOf.set(key, modules.push({ label, code }) - 1);
    return { name: g[0]!.name, label, phases: g, code, workgroups: (batch) => groupWorkgroups(g, batch), module: moduleOf.get(key)!, offsets: offsets && j * OFFSETS_STRIDE };
  });
  const table = new Uint32Array((groups.length * OFFSETS_STRIDE) / 4);
  groupModuleList.forEach((m, j) => table.set(m.offsets ?? [], (j * OFFSETS_STRIDE) / 4));

  const buffers: StepBuffer[] = [
    arenaBuffer(p.memory.floats, maxBatch),
    sized({ name: 'uniform', binding: 1, type: 'uniform', what: "the step's uniform" }, STEP_UNIFORM_BYTES),
  ];
  const lossAt = p.memory.slots.get(graph.outputs[0]!)!.offset * 4;
  let readbacks: Readback[];
  if (optimizer && data) {
    const state = sized(
      { name: 'state', binding: 2, type: 'storage', what: `the parameters and the ${optimizer.kind} state`, hint: 'use a smaller emulator' },
      STATE_HEADER + stateRegions(optimizer.kind).total * parameterCount(optimizer) * 4,
    );
    buffers.push(state, data, sized({ name: 'windows', binding: 4, type: 'read-only-storage', what: "the minibatch's window ids", hint: 'use a smaller batch' }, maxBatch * 4));
    readbacks = [
      { name: 'loss', buffer: 'arena', offset: lossAt, bytes: 4 },
      { name: 'state', buffer: 'state', offset: STATE_HEADER, bytes: state.bytes - STATE_HEADER },
    ];
  } else readbacks = graph.outputs.map((id) => ({ name: id, buffer: 'arena', offset: p.memory.slots.get(id)!.offset * 4, bytes: p.memory.slots.get(id)!.size * 4 }));
  buffers.push({ name: 'offsets', binding: OFFSETS_BINDING, type: 'uniform', what: "the dispatches' arena offsets", bytes: table.byteLength, window: MAX_OFFSETS * 4, contents: table });
  for (const b of buffers) checkFits(target, b);
  return { ...p, ...(gather && { gather }), ...(optimizer && { optimizer }), ...(apartFrom !== undefined && { apartFrom }), dispatches, modules, buffers, readbacks };
}

/**
 * The graph's plan within the target's limit. Summing a parameter's
 * per-step gradients in one kernel keeps every step's cotangents alive until
 * it runs: where that does not fit, the steps' sums stay apart.
 */
function fittingPlan(graph: Graph, maxBatch: number, target: Target): { plan: Plan; apartFrom?: number } {
  const summed = plan(graph, maxBatch, target);
  const arena = arenaBuffer(summed.memory.floats, maxBatch);
  if (fits(target, arena)) return { plan: summed };
  const lean = plan(graph, maxBatch, target, { stepSums: false });
  checkFits(target, arenaBuffer(lean.memory.floats, maxBatch));
  return { plan: lean, apartFrom: arena.bytes };
}

/** The one buffer of every value of a step, as codegen laid it out for `maxBatch`. */
function arenaBuffer(floats: number, maxBatch: number): StepBuffer {
  return sized(
    { name: 'arena', binding: 0, type: 'storage', what: `the values of a step at batch ${maxBatch}`, hint: 'use a smaller batch, a shorter rollout, or cut_bptt to shorten what backpropagation keeps' },
    floats * 4,
  );
}

function trajectoriesBuffer(d: DataLayout): StepBuffer {
  return sized(
    {
      name: 'trajectories',
      binding: 3,
      type: 'read-only-storage',
      what: 'the training trajectories',
      hint: 'train on fewer or shorter trajectories (hold some out with test_trajectories), or in float64 on the CPU with --device cpu',
    },
    d.trajectories * d.snapshots * d.stateSize * 4,
  );
}
