// The trajectories a spec trains and evaluates on: generated from a built-in
// system, or read from a file (paths relative to the spec), with held-out
// trajectories split off for evaluation.
import { dirname, resolve } from 'node:path';
import type { DataDecl } from '../dsl/ast.js';
import { generateData } from './generate.js';
import { loadTrajectories } from './load.js';
import type { Trajectories } from './trajectories.js';
import { checkTrajectories, splitHeldOut } from './trajectories.js';

export interface Dataset {
  train: Trajectories;
  test: Trajectories;
}

export function loadDataset(data: DataDecl, specFile: string): Dataset {
  if (data.kind === 'generator') return generateData(data);
  const path = resolve(dirname(specFile), data.path);
  const all = checkTrajectories(loadTrajectories(path), data.path);
  return splitHeldOut(all, data.testTrajectories, data.path);
}

/** A data file's snapshot shape ([channels, ...space]), for the front end. */
export function fileSnapshotShape(specFile: string): (path: string) => number[] {
  return (path) => fileShape(specFile)(path).slice(2);
}

/** A data file's shape ([trajectories, snapshots, channels, ...space]), for the compiler's data layout. */
export function fileShape(specFile: string): (path: string) => number[] {
  return (path) => loadTrajectories(resolve(dirname(specFile), path)).shape;
}
