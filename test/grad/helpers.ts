// Shared by the gradient tests: compile a `.tx` text through every pass, draw
// windows and parameters, evaluate losses and gradients in float64, and the
// finite-difference machinery (with cut values held fixed).
import { expect } from 'vitest';
import { fileSnapshotShape, loadDataset } from '../../src/data/load.js';
import { gatherWindows } from '../../src/data/windows.js';
import type * as A from '../../src/dsl/ast.js';
import { windowLength } from '../../src/dsl/check.js';
import { frontend, type ChainProgram } from '../../src/frontend.js';
import type { Graph, Node } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ops/op.js';
import { emulatorParams } from '../../src/passes/inline.js';
import { runPasses, type Stage } from '../../src/passes/pipeline.js';
import { cpuLossAndGrad, type LossAndGrad } from '../../src/runtime/cpu.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { trainingBatches, windowFeeds } from '../../src/runtime/minibatch.js';
import { initParams, type Params } from '../../src/runtime/params.js';
import { Rng } from '../../src/data/rng.js';

export interface Compiled {
  spec: A.Spec;
  file: string;
  program: ChainProgram;
  stages: Stage[];
  /** The graph after every pass: outputs [loss, grad.<param>...]. */
  final: Graph;
  /** The forward graph the gradient is taken of (after inline, before autodiff). */
  forward: Graph;
}

/** Every configuration of a spec text, through every pass; fails the test on a diagnostic. */
export function compileAll(source: string, file = 'test.tx', dataShape?: (path: string) => readonly number[]): Compiled[] {
  const fe = frontend(source, file, dataShape);
  const errors = fe.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
  expect(fe.programs.length).toBe(fe.spec.configs.length);
  return fe.programs.map((program) => {
    const stages = runPasses(program.graph, fe.spec);
    return {
      spec: fe.spec,
      file,
      program,
      stages,
      final: stages.at(-1)!.graph,
      forward: stage(stages, 'inline'),
    };
  });
}

/** A spec file on disk, its data file's shape read as the CLI does. */
export function compileFile(path: string, source: string): Compiled[] {
  return compileAll(source, path, fileSnapshotShape(path));
}

export function byName(all: Compiled[], name: string): Compiled {
  const c = all.find((x) => x.program.config.name === name);
  if (!c) throw new Error(`no configuration '${name}' (have ${all.map((x) => x.program.config.name).join(', ')})`);
  return c;
}

export function stage(stages: readonly Stage[], pass: string): Graph {
  const s = stages.find((x) => x.pass === pass);
  if (!s) throw new Error(`no stage ${pass}`);
  return s.graph;
}

/** The per-snapshot state shape of a compiled configuration ([channels, ...space]). */
export function snapshotOf(c: Compiled): number[] {
  const ic = c.program.graph.nodes.find((n) => n.op === 'input' && n.attrs['name'] === 'ic')!;
  return ic.shape.slice(1) as number[];
}

export function paramsFor(c: Compiled, seed: number): Params {
  return initParams(emulatorParams(c.spec, snapshotOf(c)), seed);
}

/** The first minibatch of the spec's own training schedule, with `batch` windows. */
export function firstBatch(c: Compiled, batch: number): Tensor {
  const spec: A.Spec = { ...c.spec, train: { ...c.spec.train, batch } };
  const data = loadDataset(spec.data!, c.file);
  return trainingBatches(spec, data, windowLength(c.program.config.body)).next().value!;
}

/** Windows `indices` of length `length` from the spec's training trajectories. */
export function windowsOf(c: Compiled, indices: readonly number[], length: number): Tensor {
  return gatherWindows(loadDataset(c.spec.data!, c.file).train, indices, length);
}

export function lossAndGrad(c: Compiled, params: Params, windows: Tensor): LossAndGrad {
  return cpuLossAndGrad(c.final, params, windows);
}

/** Every value of a forward graph (no autodiff) on windows, parameters and extra feeds. */
export function forwardValues(g: Graph, params: Params, windows: Tensor, extra: ReadonlyMap<string, Tensor> = new Map()): Map<string, Tensor> {
  const feeds = windowFeeds(g, windows);
  for (const n of g.nodes) if (n.op === 'input' && n.attrs['param'] !== undefined) feeds.set(n.id, params.get(n.attrs['param'] as string)!);
  for (const [k, v] of extra) feeds.set(k, v);
  return evaluate(g, feeds);
}

export function forwardLoss(g: Graph, params: Params, windows: Tensor, extra?: ReadonlyMap<string, Tensor>): number {
  return forwardValues(g, params, windows, extra).get(g.outputs[0]!)!.data[0]!;
}

/**
 * The forward graph with every stop_gradient node replaced by an input of the
 * same id, and the values to feed them: those the stop_gradient nodes take at
 * `params`. Differencing this graph in the parameters differentiates the loss
 * with every cut value held constant — what stop_gradient means.
 */
export function holdCuts(g: Graph, params: Params, windows: Tensor): { graph: Graph; held: Map<string, Tensor>; cuts: number } {
  const values = forwardValues(g, params, windows);
  const held = new Map<string, Tensor>();
  const nodes = g.nodes.map((n): Node => {
    if (n.op !== 'stop_gradient') return n;
    held.set(n.id, values.get(n.id)!);
    // An input fed by its id, as feeds are keyed.
    return { id: n.id, op: 'input', inputs: [], attrs: {}, shape: n.shape };
  });
  return { graph: { ...g, nodes }, held, cuts: held.size };
}

/** Copies of params with entry `i` of `name` moved by `delta`. */
export function perturbed(params: Params, name: string, i: number, delta: number): Params {
  const out: Params = new Map(params);
  const t = params.get(name)!;
  const data = Float64Array.from(t.data);
  data[i]! += delta;
  out.set(name, { shape: t.shape, data });
  return out;
}

/**
 * Central difference of the loss of forward graph `g` in one parameter entry.
 * The step is relative to the entry, h = 1e-5 max(1, |p|): see
 * finite-differences.test.ts for why.
 */
export function centralDiff(g: Graph, params: Params, windows: Tensor, name: string, i: number, held?: ReadonlyMap<string, Tensor>): number {
  const p = params.get(name)!.data[i]!;
  const h = 1e-5 * Math.max(1, Math.abs(p));
  const up = forwardLoss(g, perturbed(params, name, i, h), windows, held);
  const down = forwardLoss(g, perturbed(params, name, i, -h), windows, held);
  // The step actually taken, as rounded by p + h and p - h.
  const span = p + h - (p - h);
  return (up - down) / span;
}

/** Seeded uniform numbers in [0, 1) from the project's generator, so every run sees the same values. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

export function randomTensor(shape: readonly number[], next: () => number, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return { shape: [...shape], data: Float64Array.from({ length: n }, () => lo + (hi - lo) * next()) };
}

/** Largest |a - b| over the largest |a|, |b| (and `floor`). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  expect(a.length).toBe(b.length);
  let [diff, scale] = [0, floor];
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Expects two scalars to agree to `tol` relative. */
export function expectRel(got: number, want: number, tol: number, what = ''): void {
  const err = Math.abs(got - want) / Math.max(Math.abs(got), Math.abs(want), 1e-300);
  if (!(err <= tol)) expect.fail(`${what}: ${got} vs ${want} (relative error ${err.toExponential(2)} > ${tol})`);
}

/** Expects two gradients (same parameter names) to agree entrywise to `tol` relative to their largest entry. */
export function expectGradsClose(got: Params, want: Params, tol: number, what = ''): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, g] of got) {
    const err = relDiff(g.data, want.get(k)!.data);
    if (!(err <= tol)) expect.fail(`${what} ${k}: relative error ${err.toExponential(2)} > ${tol}\n got  ${[...g.data].slice(0, 6)}\n want ${[...want.get(k)!.data].slice(0, 6)}`);
  }
}

/** Sum of gradients, entrywise, weighted. */
export function addGrads(terms: readonly { w: number; g: Params }[]): Params {
  const out: Params = new Map();
  for (const { w, g } of terms)
    for (const [k, t] of g) {
      const acc = out.get(k) ?? { shape: t.shape, data: new Float64Array(t.data.length) };
      t.data.forEach((x, i) => (acc.data[i]! += w * x));
      out.set(k, acc);
    }
  return out;
}

/** Largest |entry| over all parameters of a gradient. */
export function maxAbs(g: Params): number {
  let m = 0;
  for (const t of g.values()) for (const x of t.data) m = Math.max(m, Math.abs(x));
  return m;
}

/** Windows [B, T, ...state] from per-window arrays of snapshots. */
export function windowsFrom(state: readonly number[], windows: readonly (readonly (readonly number[])[])[]): Tensor {
  const flat = windows.flat(2);
  return { shape: [windows.length, windows[0]!.length, ...state], data: Float64Array.from(flat) };
}

/** The window tensor `w` restricted to snapshots [from, from + length). */
export function subWindows(w: Tensor, from: number, length: number): Tensor {
  const [b, t] = w.shape as [number, number];
  const size = w.shape.slice(2).reduce((a, d) => a * d, 1);
  const data = new Float64Array(b * length * size);
  for (let i = 0; i < b; i++) data.set(w.data.subarray((i * t + from) * size, (i * t + from + length) * size), i * length * size);
  return { shape: [b, length, ...w.shape.slice(2)], data };
}
