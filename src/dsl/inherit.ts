// How a solver's options flow (scenarios §8): a reference, residuum or coarse
// solver of the data's own system takes the data block's value of every
// option its block does not give, before the system's defaults, so that
// `reference ks {}` under `data ks { extent 22 }` steps on [0, 22). The
// method too, unless the solver pads with zeros (only finite differences do).
// A coarse solver's `proportion` then scales the dt it has (scenarios §8).
import type * as A from './ast.js';

/** A built-in solver and the options its own block gives. */
export interface SolverBlock {
  readonly stepper: A.BuiltinStepper;
  readonly given: readonly string[];
  /** A coarse solver's fraction of its dt (APEBench's coarse proportion). */
  readonly proportion?: number;
}

export function inheritDataOptions(spec: A.Spec, solvers: readonly SolverBlock[]): void {
  const data = spec.data;
  for (const { stepper, given, proportion } of solvers) {
    // A preset's solver inherits from a data block of the same preset only: two presets of one system differ in their coefficients.
    if (data?.kind === 'generator' && stepper.name === data.generator && stepper.preset === data.preset) {
      for (const key of Object.keys(stepper.params)) if (!given.includes(key) && key in data.params) stepper.params[key] = data.params[key]!;
      if (!given.includes('method') && stepper.padding === 'circular') stepper.method = data.method;
    }
    const dt = stepper.params['dt'];
    if (proportion !== undefined && typeof dt === 'number') stepper.params['dt'] = dt * proportion;
  }
}
