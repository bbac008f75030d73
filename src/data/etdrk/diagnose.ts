// The front end's view of a spectral solver: whether its step can be built
// (scenarios §12), judged by building its coefficients as the step would, so
// that the check and the step cannot disagree. The caller puts the problem at
// the solver's block.
import type { GeneratorName, ParamValue } from '../../dsl/ast.js';
import { UserError } from '../../util/diagnostics.js';
import { GENERATOR_PARAMS, STEPPER_PARAMS, SystemParams } from '../params.js';
import { builtinSolver, etdrkOrder } from './builtin.js';
import { resolve } from './catalogue.js';
import type { Problem } from './precision.js';
import { coefficients } from './step.js';

/** The problem of a built-in solver stepped by `method` (none for a method other than ETDRK). */
export function solverProblem(name: GeneratorName, method: string, params: Readonly<Record<string, ParamValue>>, points: number, dims: number): Problem | undefined {
  const order = etdrkOrder(method);
  if (order === undefined) return undefined;
  try {
    const { solver, options } = resolve(builtinSolver(name, order, SystemParams.of(STEPPER_PARAMS, name, params), points, dims));
    coefficients(solver, options, solver.nonlinear ? options.order : 0);
    return undefined;
  } catch (e) {
    if (e instanceof UserError) return { message: e.message, hint: e.hint ?? '' };
    throw e;
  }
}

/** A data generator's parameters narrowed to its stepper's. */
export function generatorStepperParams(name: GeneratorName, params: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  return SystemParams.of(GENERATOR_PARAMS, name, params).pick(Object.keys(STEPPER_PARAMS[name]));
}
