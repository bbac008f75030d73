// Trajectories of a spectral solver as APEBench's produce_data makes them
// (scenarios §7): all initial states of a split drawn first, `warmup` steps
// discarded, then the warmed-up state and `snapshots - 1` further steps.
// Every step is the solver's step graph run by the float64 interpreter, the
// same graph a reference or a coarse solver inlines, so they cannot disagree.
import type { Graph } from '../../ir/graph.js';
import { evaluate } from '../../ops/interpreter.js';
import type { Tensor } from '../../ops/op.js';
import { tensor } from '../../ops/tensor.js';
import { UserError } from '../../util/diagnostics.js';
import { fieldShape } from '../grid.js';
import { Rng } from '../rng.js';
import type { Trajectories } from '../trajectories.js';
import type { SolverSpec } from './catalogue.js';
import { resolve, stepGraph } from './catalogue.js';
import type { FourierIc } from './initial.js';
import { fourierState } from './initial.js';

export interface SpectralData {
  readonly solver: SolverSpec;
  readonly ic: FourierIc;
  readonly trajectories: number;
  readonly snapshots: number;
  readonly warmup: number;
  readonly seed: number;
  /** The RNG stream: training and held-out splits draw from different ones of one seed. */
  readonly stream: number;
}

/** `[trajectories, snapshots, 1, N, …, N]`. */
export function spectralTrajectories(d: SpectralData): Trajectories {
  for (const [key, v] of Object.entries({ trajectories: d.trajectories, snapshots: d.snapshots, warmup: d.warmup + 1 }))
    if (!Number.isInteger(v) || v < 1) throw new UserError(`${d.solver.name}: ${key} must be a whole number${key === 'warmup' ? ' >= 0' : ' >= 1'}`);
  const { grid } = resolve(d.solver).options;
  const state = fieldShape(1, grid.points, grid.dims);
  const size = state.reduce((a, x) => a * x, 1);
  const rng = new Rng(d.seed, d.stream);
  const initial = Array.from({ length: d.trajectories }, () => fourierState(grid, d.ic, rng));
  const g = stepGraph(d.solver);
  const batch = [d.trajectories, ...state];
  let u = tensor(batch);
  initial.forEach((u0, i) => u.data.set(u0, i * size));
  for (let s = 0; s < d.warmup; s++) u = step(g, u);
  const data = new Float64Array(d.trajectories * d.snapshots * size);
  for (let t = 0; t < d.snapshots; t++) {
    if (t > 0) u = step(g, u);
    for (let i = 0; i < d.trajectories; i++) data.set(u.data.subarray(i * size, (i + 1) * size), (i * d.snapshots + t) * size);
  }
  return { shape: [d.trajectories, d.snapshots, ...state], data };
}

function step(g: Graph, u: Tensor): Tensor {
  return evaluate(g, { u }).get(g.outputs[0]!)!;
}
