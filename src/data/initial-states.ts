// `ic file "u0.npy"` in a generator's data block: the trajectories start from
// states the user gives instead of the generator's random draws. Browser-safe:
// the caller reads the file. The file is checked against the grid here, at
// the one place every path (tx train, tx data, tx eval) goes through, and the
// message points at the `ic` setting in the spec.
import type { GeneratorData } from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { stateShape } from './steppers.js';
import type { Trajectories } from './trajectories.js';

/** Throws unless `t` is `[trajectories + test_trajectories, ...state]` of finite numbers; `specFile` locates the message. */
export function checkInitialStates(decl: GeneratorData, t: Trajectories, specFile: string): Trajectories {
  const ic = decl.ic!;
  const where = `${specFile}:${ic.span.line}:${ic.span.column}: ic file "${ic.path}"`;
  const state = stateShape(decl.generator, decl.points, decl.dims);
  const want = [decl.trajectories + decl.testTrajectories, ...state];
  if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
    const held = decl.testTrajectories ? ` + ${decl.testTrajectories} held out` : '';
    throw new UserError(
      `${where} has shape [${t.shape.join(', ')}], but the data block needs [${want.join(', ')}]`,
      `one state [${state.join(', ')}] (channels, then the grid's ${decl.points} points per axis) for each of the ${decl.trajectories} training trajectories${held}, in that order; or change trajectories, test_trajectories, points or dims to match the file`,
    );
  }
  const bad = t.data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new UserError(`${where}: entry ${bad} (flat) is ${t.data[bad]}; initial states must be finite`);
  return t;
}
