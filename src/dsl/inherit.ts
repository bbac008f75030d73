// How a solver's options flow (scenarios §8): a reference, residuum or coarse
// solver of the data's own system takes the data block's value of every
// option its block does not give, before the system's defaults, so that
// `reference ks {}` under `data ks { extent 22 }` steps on [0, 22).
import type * as A from './ast.js';

/** A built-in solver and the options its own block gives. */
export interface SolverBlock {
  readonly stepper: A.BuiltinStepper;
  readonly given: readonly string[];
}

export function inheritDataOptions(spec: A.Spec, solvers: readonly SolverBlock[]): void {
  const data = spec.data;
  if (data?.kind !== 'generator') return;
  for (const { stepper, given } of solvers)
    if (stepper.name === data.generator)
      for (const key of Object.keys(stepper.params)) if (!given.includes(key) && key in data.params) stepper.params[key] = data.params[key]!;
}
