// `ic file "u0.npy"` in a generator's data block: the trajectories start from
// states the user gives instead of the generator's random draws. Browser-safe:
// the caller reads the file. Its shape is checked against the grid twice: from
// the header when the spec is checked (a diagnostic at the `ic` setting, so
// `tx check` finds it), and with the data where every run loads it.
import type { GeneratorData } from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { stateShape } from './steppers.js';
import type { Trajectories } from './trajectories.js';

/** What is wrong with initial states of `shape` for `decl`, or undefined: they must be `[trajectories + test_trajectories, ...state]`. */
export function initialShapeProblem(decl: GeneratorData, shape: readonly number[]): { message: string; hint: string } | undefined {
  const state = stateShape(decl.generator, decl.points, decl.dims);
  const want = [decl.trajectories + decl.testTrajectories, ...state];
  if (shape.length === want.length && shape.every((d, i) => d === want[i])) return undefined;
  const held = decl.testTrajectories ? ` + ${decl.testTrajectories} held out` : '';
  return {
    message: `ic file "${decl.ic!.path}" has shape [${shape.join(', ')}], but the data block needs [${want.join(', ')}]`,
    hint: `one state [${state.join(', ')}] (channels, then the grid's ${decl.points} points per axis) for each of the ${decl.trajectories} training trajectories${held}, in that order; or change trajectories, test_trajectories, points or dims to match the file`,
  };
}

/** Throws unless `t` has the shape initialShapeProblem wants and finite numbers; `specFile` and the setting's span locate the message. */
export function checkInitialStates(decl: GeneratorData, t: Trajectories, specFile: string): Trajectories {
  const { span, path } = decl.ic!;
  const where = `${specFile}:${span.line}:${span.column}`;
  const problem = initialShapeProblem(decl, t.shape);
  if (problem) throw new UserError(`${where}: ${problem.message}`, problem.hint);
  const bad = t.data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new UserError(`${where}: ic file "${path}": entry ${bad} (flat) is ${t.data[bad]}; initial states must be finite`);
  return t;
}
