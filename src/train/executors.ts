// The executors of a run: the CPU's float64 reference and the compiled WGSL
// step. Browser-safe (no Node modules): a page makes its executors here too,
// through the driver's session (driver/session.ts).
import { optimizerSpec } from '../codegen/optimizer.js';
import { largestBatch } from '../data/windows.js';
import type { Graph } from '../ir/graph.js';
import type { Target } from '../ir/target.js';
import type { ParamDecl } from '../passes/inline/network.js';
import { gpuDevice } from '../runtime/gpu/device.js';
import { initParams } from '../runtime/params.js';
import { CpuExecutor } from './cpu-executor.js';
import type { WindowSource } from './executor.js';
import { GpuExecutor } from './gpu-executor.js';
import { optimizer } from './optimizer.js';
import type { TrainPlan } from './trainer.js';

/** cpu: the float64 reference; gpu: the compiled WGSL step, in float32. */
export type Device = 'cpu' | 'gpu';

/** What an executor is made from: a prepared run (the driver's Run). */
export interface ExecutorRun {
  /** After every pass: outputs [loss, grad.<param>...]. */
  graph: Graph;
  decls: readonly ParamDecl[];
  plan: TrainPlan;
  initSeed: number;
}

export function windowSource(plan: TrainPlan): WindowSource {
  return { data: plan.data, window: plan.window, substack: plan.train.substack };
}

export function cpuExecutor(run: ExecutorRun): CpuExecutor {
  return new CpuExecutor(run.graph, optimizer(run.plan.train), initParams(run.decls, run.initSeed), windowSource(run.plan));
}

export async function gpuExecutor(run: ExecutorRun, device?: GPUDevice): Promise<GpuExecutor> {
  return (await gpuEnsemble([run], device))[0]!;
}

/**
 * One executor per run, one program for all (codegen/members.ts): runs of
 * one spec that differ only in their seeds, so in their initial parameters
 * and minibatch orders, not in their graph or data.
 */
export async function gpuEnsemble(runs: readonly ExecutorRun[], device?: GPUDevice, target?: Target): Promise<GpuExecutor[]> {
  const { plan, graph } = runs[0]!;
  const maxBatch = largestBatch(plan.train.batch, plan.data.shape, plan.window, plan.train.substack);
  const params = runs.map((r) => initParams(r.decls, r.initSeed));
  return GpuExecutor.ensemble(device ?? (await gpuDevice()), graph, optimizerSpec(plan.train), params, windowSource(plan), maxBatch, target);
}
