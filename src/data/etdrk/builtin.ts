// The spec's built-in systems that step by ETDRK: `ks` and the other
// SPECTRAL_SYSTEMS of dsl/schema.ts, and `burgers` with
// method etdrk1-4 (the same PDE as its central scheme, on [0, 2 pi) in the
// conservative form). One solver spec serves the data generator (its step
// graph run by the float64 interpreter, here) and the reference or coarse
// solver (the same step inlined into the training graph, passes/inline).
import type { GeneratorName } from '../../dsl/ast.js';
import { evaluate } from '../../ops/interpreter.js';
import { tensor } from '../../ops/tensor.js';
import { STEPPER_PARAMS, type SystemParams } from '../params.js';
import type { SolverSpec } from './catalogue.js';
import { solverChannels, stepGraph } from './catalogue.js';
import type { Order } from './step.js';
import { DEFAULT_CONTOUR } from '../../math/etdrk.js';

const GRID_KEYS = ['extent', 'dt', 'substeps', 'circle_points', 'circle_radius'];

/** The order an ETDRK method names (`etdrk2` is 2), or undefined for any other method. */
export function etdrkOrder(method: string): Order | undefined {
  const m = /^etdrk([0-4])$/.exec(method);
  return m ? (Number(m[1]) as Order) : undefined;
}

/** The solver of a system stepped by ETDRK of `order` on a grid of `dims` axes of `points`. */
export function builtinSolver(name: GeneratorName, order: Order, p: SystemParams, points: number, dims: number): SolverSpec {
  const contour = { points: p.find('circle_points') ?? DEFAULT_CONTOUR.points, radius: p.find('circle_radius') ?? DEFAULT_CONTOUR.radius };
  const time = { dims, points, dt: p.get('dt'), substeps: p.get('substeps'), order, contour };
  switch (name) {
    case 'burgers':
      return { name: 'burgers', ...time, extent: 2 * Math.PI, params: { nu: p.get('nu'), conservative: true, single_channel: true } };
    case 'advection':
    case 'diffusion':
    case 'lorenz63':
      throw new Error(`internal: ${name} has no ETDRK method`);
    default:
      // The spec's parameters are the catalogue's by name, the grid and time step aside.
      return { name, ...time, extent: p.get('extent'), params: p.pick(Object.keys(STEPPER_PARAMS[name]).filter((k) => !GRID_KEYS.includes(k))) };
  }
}

/**
 * The exact spectral advection and diffusion of the Trainax-style systems on
 * [0, 2 pi)^D with N points, as ETDRK0 solvers with dt = 1: `cfl_d` cells
 * per step is the velocity 2 pi cfl_d / N, and gamma = nu dt / dx^2 the
 * viscosity gamma (2 pi / N)^2, so the factor of a mode is the symbol of
 * data/steppers.ts's 1-D kernels.
 */
export function exactAdvection(points: number, cfl: readonly number[]): SolverSpec {
  const dx = (2 * Math.PI) / points;
  return { name: 'advection', dims: cfl.length, points, extent: 2 * Math.PI, dt: 1, order: 0, params: { velocity: cfl.map((c) => c * dx) } };
}

export function exactDiffusion(points: number, gamma: number, dims: number): SolverSpec {
  const dx = (2 * Math.PI) / points;
  return { name: 'diffusion', dims, points, extent: 2 * Math.PI, dt: 1, order: 0, params: { nu: gamma * dx * dx } };
}

/** The step of one state [C, N, …, N] as a float64 function: the solver's step graph, interpreted. */
export function etdrkStepper(spec: SolverSpec): (u: Float64Array) => Float64Array {
  const g = stepGraph(spec);
  const shape = [1, solverChannels(spec.name), ...Array<number>(spec.dims ?? 1).fill(spec.points!)];
  return (u) => evaluate(g, { u: tensor(shape, u) }).get(g.outputs[0]!)!.data;
}
