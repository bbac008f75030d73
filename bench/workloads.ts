// The benchmark's workloads: each is a `.tx` spec under bench/specs/, and
// everything a peer needs to run the same training step on it, prepared on
// the host before any timing — the initial parameters (txc's seeded
// initialisation, so every peer starts from the same values), a fixed pool of
// minibatches (txc's data generator and minibatch schedule) and the float64
// CPU reference losses of the first steps (txc's CpuExecutor: the
// interpreter's loss and gradient, then optax's Adam; the last gated step's
// loss by the interpreter's forward alone).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphFlops } from '../src/codegen/plan.js';
import type * as A from '../src/dsl/ast.js';
import { checkSource, loadRun } from '../src/driver/node.js';
import type { Run } from '../src/driver/run.js';
import { hasErrors, formatDiagnostic } from '../src/util/diagnostics.js';
import type { Graph } from '../src/ir/graph.js';
import { simplify } from '../src/passes/simplify.js';
import { cpuLossAndGrad } from '../src/runtime/cpu.js';
import type { Tensor } from '../src/ops/op.js';
import { gatherWindows, largestBatch, minibatches, windowCount } from '../src/data/windows.js';
import { windowFeeds } from '../src/runtime/minibatch.js';
import type { Params } from '../src/runtime/params.js';
import type { BurgersReference } from './peers/burgers.js';
import { burgersReference } from './peers/burgers.js';
import { initParams } from '../src/runtime/params.js';
import { cpuExecutor, windowSource } from '../src/train/executors.js';
import { readText } from '../src/util/files.js';

/** The MeasureOptions (measure.ts) a workload may set for itself; the command line's override them. */
export interface Budget {
  steps?: number;
  warmup?: number;
  warmupSeconds?: number;
  every?: number;
  gate?: number;
}

export interface WorkloadInfo {
  id: string;
  file: string;
  title: string;
  /**
   * Defaults of its own where the harness's (50 steps per mode, 10 warm-up,
   * 3 checked against float64) would take hours: a W5 step is 131 GFLOP,
   * minutes on lavapipe, and a float64 step in the interpreter ~5 minutes.
   */
  budget?: Budget;
}

/** W5's, W6's and W8's: step 0 checked (its float64 forward alone) as the warm-up, 2 pipelined, then 2 timed per mode. */
const SLOW: Budget = { steps: 2, warmup: 1, warmupSeconds: 0, every: 2, gate: 1 };

export const WORKLOADS: readonly WorkloadInfo[] = [
  { id: 'W1a', file: 'w1a.tx', title: 'quickstart emulator (conv 1→1, kernel 2, circular, no bias), 30 points, batch 32, supervised rollout 5, Adam 1e-2' },
  { id: 'W1b', file: 'w1b.tx', title: 'quickstart emulator (conv 1→1, kernel 2, circular, no bias), 30 points, batch 32, supervised rollout 20, Adam 1e-2' },
  { id: 'W2', file: 'w2.tx', title: 'conv 1→16→16→1, kernel 5, circular, biases, relu, 256 points, batch 32, supervised rollout 5, Adam 1e-3' },
  { id: 'W3', file: 'w3.tx', title: "W2's net, diverted chain branch one, rollout 5, reference u - 0.5 (u - shift(u, 1)), batch 32, Adam 1e-3" },
  { id: 'W4', file: 'w4.tx', title: 'MLP 3→64→64→3, tanh, Lorenz-63, batch 256, supervised rollout 10, Adam 1e-3' },
  { id: 'W5', file: 'w5.tx', title: 'ResNet width 32, 6 blocks, kernel 3, relu, circular; 2-D diffusion 64×64, batch 16, supervised rollout 3, Adam 1e-3', budget: SLOW },
  { id: 'W6', file: 'w6.tx', title: 'UNet width 16, 2 levels, kernel 3, relu, circular; 2-D advection 64×64, batch 16, supervised rollout 3, Adam 1e-3', budget: SLOW },
  { id: 'W7', file: 'w7.tx', title: 'FNO width 18, 12 modes, 4 blocks, gelu; 1-D Kuramoto–Sivashinsky, 256 points, batch 32, supervised rollout 5, Adam 1e-3' },
  {
    id: 'W8',
    file: 'w8.tx',
    title: "W5's ResNet in a diverted chain, rollout 3, branch 1, against ETDRK2 Burgers in the graph; 2-D Burgers 64×64, batch 16, Adam 1e-3",
    budget: SLOW,
  },
];

/** What one training step computes, in the terms every peer implements. */
export type Body =
  /** L = sum_t mse(f^t(ic), target[t]), t = 1..rollout. */
  | { kind: 'supervised'; rollout: number }
  /**
   * main = ic; for t = 1..rollout: L += mse(f(main), P(main)); main = f(main).
   * The gradient flows through P. (`diverted rollout R branch 1` is the same loss, semantics.md.)
   */
  | { kind: 'diverted_one'; rollout: number };

export interface Workload extends WorkloadInfo {
  spec: A.Spec;
  /** The network the emulator is (no correction emulators here). */
  net: A.Network;
  body: Body;
  /** The reference stepper's expression (W3), for peers to evaluate on their own arrays. */
  reference?: A.ExprStepper;
  /** Or the ETDRK2 Burgers solver (W8), which the peers step with the tables of peers/burgers.ts. */
  burgers?: BurgersReference;
  /** txc's training run of the spec, as `tx train` prepares it. */
  run: Run;
  /** Float64 initial parameters, shared by every peer. */
  init: Params;
  lr: number;
  batch: number;
  /** Floating-point operations of a step (txc's count of the graph: forward, backward, losses), the same work for every peer. */
  flops: number;
  /** Snapshots a window holds. */
  window: number;
  /** One snapshot: [channels, points…] or [3]. */
  state: number[];
  /** Window ids of each minibatch of the pool: step i trains on indices[i % length]. */
  indices: number[][];
  /** The same minibatches gathered: windows `[batch, window, ...state]`. */
  windows: Tensor[];
  /**
   * The same minibatches as the time levels a step reads, `[batch, ...state]`
   * each: levels[i][0] is the initial condition, levels[i][t] the target of
   * step t (supervised) — what txc feeds its graph's inputs with.
   */
  levels: Tensor[][];
  /** Float64 CPU reference losses of steps 0..gate-1. */
  reference64: number[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** bench/specs, from the bundled bench/.out/run.mjs as from bench/*.ts. */
export const SPEC_DIR = path.resolve(here, here.endsWith('.out') ? '..' : '.', 'specs');

/**
 * Loads a workload with `pool` distinct minibatches (the first `pool` of the
 * spec's training schedule) and the reference losses of its first `gate` steps.
 */
export function loadWorkload(info: WorkloadInfo, pool: number, gate: number): Workload {
  const file = path.join(SPEC_DIR, info.file);
  const text = readText(file);
  const fe = checkSource(text, file);
  if (hasErrors(fe.diagnostics)) throw new Error(fe.diagnostics.map((d) => formatDiagnostic(d, text)).join('\n'));
  const spec = fe.spec;
  const program = fe.programs[0]!;
  const body = program.config.body;
  const emu = spec.emulator!;
  if (emu.kind === 'correction') throw new Error(`${info.id}: correction emulators are not benchmarked`);
  if (emu.finalActivation !== 'none') throw new Error(`${info.id}: the peers implement networks without a final activation`);
  if (emu.kind === 'dilated' || ((emu.kind === 'resnet' || emu.kind === 'unet') && emu.norm !== 'none'))
    throw new Error(`${info.id}: the peers implement conv, mlp, fno, and resnet and unet without group norms`);
  if (body.kind !== 'supervised' && !(body.kind === 'diverted' && (body.branchOne || body.branch === 1) && !body.cutDivChain))
    throw new Error(`${info.id}: only supervised and diverted_one configurations are benchmarked`);
  if (body.cutBptt || body.weights.some((w) => w !== 1) || (body.kind === 'diverted' && body.branchWeights.some((w) => w !== 1)) || body.loss !== 'mse')
    throw new Error(`${info.id}: the peers implement uncut, unweighted mse configurations only`);
  if (spec.train.schedule !== 'constant' || spec.train.optimizer !== 'adam') throw new Error(`${info.id}: the peers implement Adam at a constant rate`);
  const run = loadRun(spec, program);
  const graph = run.graph;
  const window = run.plan.window;
  const state = run.dataset.train.shape.slice(2);
  let reference: A.ExprStepper | undefined;
  let burgers: BurgersReference | undefined;
  if (body.kind === 'diverted') {
    if (spec.reference?.kind === 'expr') reference = spec.reference;
    else if (spec.reference?.kind === 'builtin') burgers = burgersReference(spec.reference, state);
    else throw new Error(`${info.id}: the diverted workload needs a reference`);
  }
  const init = initParams(run.decls, run.initSeed);
  const t = spec.train;
  const source = windowSource(run.plan);
  // The trainer's schedule (trainer.ts): per-epoch permutations of the
  // sub-stacked windows. An epoch's last minibatch is short when the batch
  // does not divide the windows; the pool leaves those out, so that every
  // step has one shape (a jit would otherwise compile a second program).
  const samples = windowCount(source.data.shape, window, t.substack);
  const batch = largestBatch(t.batch, source.data.shape, window, t.substack);
  const indices: number[][] = [];
  for (const ix of minibatches(samples, t.batch, Number.MAX_SAFE_INTEGER, t.seed)) {
    if (ix.length === batch) indices.push(ix);
    if (indices.length === Math.max(pool, gate)) break;
  }
  const windows = indices.map((ix) => gatherWindows(source.data, ix, window, t.substack));
  const levels = windows.map((w) => levelsOf(graph, w, window));
  return {
    ...info,
    spec,
    net: emu,
    body: { kind: body.kind === 'supervised' ? 'supervised' : 'diverted_one', rollout: body.rollout },
    reference,
    burgers,
    run,
    init,
    lr: spec.train.lr,
    batch,
    flops: graphFlops(graph, batch),
    window,
    state,
    indices: indices.slice(0, pool),
    windows: windows.slice(0, pool),
    levels: levels.slice(0, pool),
    reference64: reference64(run, windows, indices, gate),
  };
}

/**
 * The float64 losses of steps 0..gate-1: full steps (loss, gradient, Adam)
 * but for the last, whose loss needs only the forward (a third of the work:
 * ~100 s for W5 instead of ~300).
 */
function reference64(run: Run, windows: Tensor[], indices: number[][], gate: number): number[] {
  const cpu = cpuExecutor(run);
  const out: number[] = [];
  for (let i = 0; i + 1 < gate; i++) {
    cpu.step(indices[i]!, run.plan.train.lr);
    out.push(cpu.takeLoss());
  }
  if (gate === 0) return out;
  const g = run.graph;
  const forward = simplify({ ...g, outputs: [g.outputs[0]!] });
  out.push(cpuLossAndGrad(forward, cpu.params(), windows[gate - 1]!).loss);
  return out;
}

/** The window's snapshots 0..window-1 as txc's graph inputs see them (ic, target[t]). */
function levelsOf(graph: Graph, windows: Tensor, window: number): Tensor[] {
  const feeds = windowFeeds(graph, windows);
  const byLevel: Tensor[] = [];
  for (const n of graph.nodes) {
    if (n.op !== 'input' || n.attrs['param'] !== undefined) continue;
    const t = n.attrs['name'] === 'ic' ? 0 : (n.attrs['t'] as number);
    byLevel[t] = feeds.get(n.id)!;
  }
  for (let t = 0; t < window; t++) if (!byLevel[t]) throw new Error(`internal: the graph reads no snapshot ${t}`);
  return byLevel;
}
