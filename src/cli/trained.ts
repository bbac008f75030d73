// What `tx eval` and `tx rollout` start from: a checked spec, its emulator's
// trained parameters (checked against the emulator's names and shapes), and
// the test trajectories that `tx train`'s evaluation uses.
import { Option } from 'commander';
import { fileSnapshotShape, loadDataset } from '../data/load.js';
import type * as A from '../dsl/ast.js';
import { snapshotShape } from '../frontend.js';
import { emulatorParams } from '../passes/inline.js';
import type { Params } from '../runtime/params.js';
import type { Device } from '../train/executors.js';
import { readParamsFile } from '../train/params-file.js';
import { testLevels, type TestLevels } from '../train/test-levels.js';
import { loadSpec } from './io.js';

export interface Trained {
  spec: A.Spec;
  /** One state's shape, [channels, ...space]. */
  snapshot: number[];
  params: Params;
  test: TestLevels;
}

export function loadTrained(file: string, paramsPath: string): Trained {
  const { spec } = loadSpec(file);
  const data = spec.data!;
  const snapshot = snapshotShape(data, fileSnapshotShape(file));
  const params = readParamsFile(paramsPath, emulatorParams(spec, snapshot));
  return { spec, snapshot, params, test: testLevels(data, () => loadDataset(data, file)) };
}

export function rolloutDeviceOption(): Option {
  return new Option('-d, --device <device>', 'cpu: the float64 interpreter; gpu: the emulator step compiled to WGSL, run in float32').choices(['cpu', 'gpu']).default('cpu' satisfies Device);
}
