// The trajectories a spec trains and evaluates on: generated from a built-in
// system, or a data file's, with the held-out trajectories split off for
// evaluation. Browser-safe: the caller reads the file (load.ts from a path in
// Node, a page from the file the user picked).
import type { DataDecl } from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { generateData } from './generate.js';
import type { Trajectories } from './trajectories.js';
import { splitHeldOut } from './trajectories.js';

export interface Dataset {
  train: Trajectories;
  test: Trajectories;
  /** 'gpu' where a generator's steps ran on the GPU in float32; absent: float64 on the CPU, or a file's. */
  device?: 'gpu';
}

/** A `data file` spec's trajectories, checked (checkTrajectories); `name` names them in messages. */
export interface DataFile {
  name: string;
  trajectories: Trajectories;
}

/**
 * `file`: the trajectories of a `data file` spec, or a generator's `ic file`
 * states (checkInitialStates); only a page can be without them (the user has
 * not picked the file yet).
 */
export function datasetOf(data: DataDecl, file?: DataFile): Dataset {
  if (data.kind === 'generator' && data.ic && !file) throw new UserError(`pick the initial states' file "${data.ic.path}" first`);
  if (data.kind === 'generator') return generateData(data, file?.trajectories);
  if (!file) throw new UserError(`pick the data file for "${data.path}" first`);
  return splitHeldOut(file.trajectories, data.testTrajectories, file.name);
}
