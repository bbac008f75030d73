// Synthetic training data as Trainax's sample_data makes it: random initial
// states rolled out by the system's default stepper. The draws follow Trainax's
// distributions but not its JAX random streams (see rng.ts).
import type { GeneratorData, GeneratorName, InitialLaw, ParamValue } from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { GENERATOR_PARAMS, STEPPER_PARAMS, SystemParams } from './params.js';
import { solverChannels, type SolverSpec } from './etdrk/catalogue.js';
import { defaultIc, icOf, icState } from './etdrk/ic.js';
import { isSpectralSystem } from '../dsl/schema.js';
import { halfWavevectors } from './grid.js';
import { Rng } from './rng.js';
import { builtinStepper, builtinStepSolver, stateShape, stepBatch } from './steppers.js';
import { sizeOf, type Trajectories } from './trajectories.js';

/** Streams of one seed: held-out data never reuses a training draw. */
const TRAIN_STREAM = 0;
const TEST_STREAM = 1;

/**
 * `trajectories` training trajectories `[count, snapshots, ...stateShape]`
 * and `testTrajectories` held-out ones of `testSnapshots` snapshots. Snapshot
 * 0 is the initial state (after the warm-up for Lorenz-63), so there are
 * `snapshots - 1` steps: Trainax's `temporal_horizon` counts the same way.
 * `initial` (an `ic file`, checked by checkInitialStates): the training
 * trajectories' states at snapshot 0, then the held-out ones', used as they
 * are (no draw, no warm-up).
 */
export function generateData(decl: GeneratorData, initial?: Trajectories): { train: Trajectories; test: Trajectories } {
  const { params, train, test } = starts(decl, initial);
  return { train: rollOut(decl, params, train), test: rollOut(decl, params, test) };
}

/** Where a split's trajectories start: their states before the warm-up, `[count, ...stateShape]`, and their length. */
export interface Start {
  count: number;
  states: Float64Array;
  /** Steps run and discarded before snapshot 0: none for states an `ic file` gave. */
  warmup: number;
  snapshots: number;
}

/** What generating the data takes wherever its steps run (generateData's, or the GPU's in float32). */
export interface Generation {
  stateShape: number[];
  /** The step's graph, where the generator's stepper is one (data/etdrk/); the GPU runs only these. */
  solver: SolverSpec | undefined;
  train: Start;
  test: Start;
}

/** generateData's initial states and step, not yet stepped. */
export function generation(decl: GeneratorData, initial?: Trajectories): Generation {
  const { train, test } = starts(decl, initial);
  return { stateShape: stateShape(decl.generator, decl.points, decl.dims), solver: generatorSolver(decl), train, test };
}

/** The solver whose step graph the generator's stepper is, or undefined where it is not one. */
export function generatorSolver(decl: GeneratorData): SolverSpec | undefined {
  const params = SystemParams.of(GENERATOR_PARAMS, decl.generator, decl.params);
  return builtinStepSolver(decl.generator, decl.method, stepperParams(decl, params), decl.points, decl.dims);
}

function starts(decl: GeneratorData, initial?: Trajectories): { params: SystemParams; train: Start; test: Start } {
  const params = SystemParams.of(GENERATOR_PARAMS, decl.generator, decl.params);
  checkSizes(decl, params);
  const size = initial ? sizeOf(initial.shape.slice(1)) : 0;
  const part = (from: number, count: number) => initial?.data.subarray(from * size, (from + count) * size);
  return {
    params,
    train: start(decl, params, decl.trajectories, decl.snapshots, new Rng(decl.seed, TRAIN_STREAM), part(0, decl.trajectories)),
    test: start(decl, params, decl.testTrajectories, decl.testSnapshots, new Rng(decl.seed, TEST_STREAM), part(decl.trajectories, decl.testTrajectories)),
  };
}

/**
 * A random truncated Fourier series on the grid x_j = 2 pi j / N of each of
 * `dims` axes: `sum_k a_k sin(k . x) + b_k cos(k . x)` over one of each pair
 * ±k of the nonzero integer wavevectors with |k_d| <= modes on every axis
 * (`halfWavevectors`), a_k, b_k ~ U(-1, 1), drawn all a then all b, no
 * offset. In 1-D that is k = 1..modes: Trainax's
 * `_random_truncated_fourier_series_1d` with its default `no_offset=True`.
 * The coefficients are not rescaled with the count of wavevectors (m in 1-D,
 * 2m(m+1) in 2-D), so the 1-D draw is unchanged and N-D states are larger.
 */
export function fourierSeries(n: number, modes: number, rng: Rng, dims = 1): Float64Array {
  const ks = halfWavevectors(modes, dims);
  const a = ks.map(() => rng.uniform(-1, 1));
  const b = ks.map(() => rng.uniform(-1, 1));
  // k . x_j reduced modulo 2 pi exactly (as the whole number k . j modulo N),
  // so a profile shifted by whole cells is the same numbers as the series
  // sampled on the shifted grid.
  const sin = Float64Array.from({ length: n }, (_, m) => Math.sin((2 * Math.PI * m) / n));
  const cos = Float64Array.from({ length: n }, (_, m) => Math.cos((2 * Math.PI * m) / n));
  const u = new Float64Array(n ** dims);
  const j = new Array<number>(dims).fill(0); // the grid coordinates of point p, row-major
  for (let p = 0; p < u.length; p++) {
    for (let d = dims - 1, rest = p; d >= 0; d--, rest = Math.floor(rest / n)) j[d] = rest % n;
    ks.forEach((k, t) => {
      const m = (((k.reduce((acc, kd, d) => acc + kd * j[d]!, 0) % n) + n) % n);
      u[p]! += a[t]! * sin[m]! + b[t]! * cos[m]!;
    });
  }
  return u;
}

/** One initial state for the system, drawn from `rng`: the spectral systems' from `law` (absent, their own; data/etdrk/ic.ts). */
export function initialState(name: GeneratorName, points: number, dims: number, params: SystemParams, rng: Rng, law?: InitialLaw): Float64Array {
  if (name === 'lorenz63') return Float64Array.from({ length: 3 }, () => params.get('init_std') * rng.normal());
  if (isSpectralSystem(name)) {
    const cutoff = params.get('cutoff');
    const ic = law ? icOf(law, cutoff) : defaultIc(name, cutoff);
    return icState({ dims, points, extent: params.get('extent') }, ic, solverChannels(name), rng, name);
  }
  return fourierSeries(points, params.get('modes'), rng, dims);
}

function rollOut(decl: GeneratorData, params: SystemParams, from: Start): Trajectories {
  const shape = stateShape(decl.generator, decl.points, decl.dims);
  const size = sizeOf(shape);
  const data = new Float64Array(from.count * from.snapshots * size);
  const at = levels(decl, params, from);
  for (let t = 0; t < from.snapshots; t++) {
    const states = at.next().value!;
    for (let i = 0; i < from.count; i++) data.set(states.subarray(i * size, (i + 1) * size), (i * from.snapshots + t) * size);
  }
  return { shape: [from.count, from.snapshots, ...shape], data };
}

/**
 * The held-out trajectories (`testTrajectories` of them, or `count`) one time
 * level at a time, `[count, ...stateShape]` each from snapshot 0 on, with no
 * end: `tx eval` compares rollouts of any length without holding them. The
 * first `decl.testSnapshots` levels are generateData's `test` exactly. `initial`:
 * their states at snapshot 0 where an `ic file` gave them.
 */
export function heldOutLevels(decl: GeneratorData, count = decl.testTrajectories, initial?: Float64Array): Generator<Float64Array, never> {
  const params = SystemParams.of(GENERATOR_PARAMS, decl.generator, decl.params);
  checkSizes({ ...decl, testTrajectories: count }, params);
  return levels(decl, params, start(decl, params, count, decl.testSnapshots, new Rng(decl.seed, TEST_STREAM), initial));
}

/** `count` states drawn from `rng` (all first, as Trainax draws them in one vmapped call), or the `given` ones. */
function start(decl: GeneratorData, params: SystemParams, count: number, snapshots: number, rng: Rng, given?: Float64Array): Start {
  if (given) return { count, states: Float64Array.from(given), warmup: 0, snapshots };
  const size = sizeOf(stateShape(decl.generator, decl.points, decl.dims));
  const states = new Float64Array(count * size);
  for (let i = 0; i < count; i++) states.set(initialState(decl.generator, decl.points, decl.dims, params, rng, decl.law), i * size);
  return { count, states, warmup: params.find('warmup') ?? 0, snapshots };
}

function stepperParams(decl: GeneratorData, params: SystemParams): Record<string, ParamValue> {
  return params.pick(Object.keys(STEPPER_PARAMS[decl.generator]));
}

function* levels(decl: GeneratorData, params: SystemParams, from: Start): Generator<Float64Array, never> {
  const name = decl.generator;
  const size = sizeOf(stateShape(name, decl.points, decl.dims));
  const step = builtinStepper(name, decl.method, stepperParams(decl, params), decl.points, decl.dims);
  let states = from.states;
  for (let s = 0; s < from.warmup; s++) states = stepBatch(step, states, size);
  for (;;) {
    yield states;
    states = stepBatch(step, states, size);
  }
}

function checkSizes(decl: GeneratorData, params: SystemParams): void {
  const positive = { trajectories: decl.trajectories, snapshots: decl.snapshots, test_snapshots: decl.testSnapshots };
  for (const [key, value] of Object.entries(positive)) {
    if (!Number.isInteger(value) || value < 1) throw new UserError(`${decl.generator}: ${key} must be an integer >= 1, got ${value}`);
  }
  if (!Number.isInteger(decl.testTrajectories) || decl.testTrajectories < 0) {
    throw new UserError(`${decl.generator}: test_trajectories must be an integer >= 0, got ${decl.testTrajectories}`);
  }
  if (!Number.isSafeInteger(decl.seed)) throw new UserError(`${decl.generator}: seed must be an integer, got ${decl.seed}`);
  if (decl.generator === 'lorenz63') return;
  if (!Number.isInteger(decl.points) || decl.points < 2) {
    throw new UserError(`${decl.generator}: points must be an integer >= 2, got ${decl.points}`);
  }
  if (![1, 2, 3].includes(decl.dims)) throw new UserError(`${decl.generator}: dims must be 1, 2 or 3, got ${decl.dims}`);
  // Trainax's precondition: with a mode at or above N/2 the grid aliases it and
  // the spectral step is no longer exact. (fourierState checks the ETDRK systems' cutoff.)
  if (isSpectralSystem(decl.generator)) return;
  const modes = params.get('modes');
  if (2 * modes >= decl.points) {
    throw new UserError(
      `${decl.generator}: modes ${modes} needs more than ${2 * modes} points, got ${decl.points}`,
      `use at most ${Math.floor((decl.points - 1) / 2)} modes, or more points`,
    );
  }
}
