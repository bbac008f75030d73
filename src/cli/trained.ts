// What `tx eval` and `tx rollout` start from: a checked spec, its emulator's
// trained parameters (checked against the emulator's names and shapes), and
// the test trajectories that `tx train`'s evaluation uses. Where the file
// names several emulators and none is chosen, the parameters say which: the
// one whose names and shapes they match, as `tx train` wrote them.
import { Option } from 'commander';
import { fileSnapshotShape, loadDataset } from '../data/load.js';
import type * as A from '../dsl/ast.js';
import { snapshotShape, type Frontend } from '../frontend.js';
import { emulatorParams } from '../passes/inline.js';
import type { Params } from '../runtime/params.js';
import type { Device } from '../train/executors.js';
import { readParamsFile } from '../train/params-file.js';
import { testLevels, type TestLevels } from '../train/test-levels.js';
import { UserError } from '../util/diagnostics.js';
import { perEmulator } from './emulators.js';
import { loadSpec } from './io.js';

export interface Trained {
  spec: A.Spec;
  /** One state's shape, [channels, ...space]. */
  snapshot: number[];
  params: Params;
  test: TestLevels;
}

/** `emulator`: the one to load, by name; needed only where the parameters fit several of the file's. */
export function loadTrained(file: string, paramsPath: string, emulator?: string): Trained {
  const fe = loadSpec(file);
  const data = fe.spec.data!;
  const snapshot = snapshotShape(data, fileSnapshotShape(file));
  const runs = perEmulator(fe, emulator);
  const { spec, params } = runs.length === 1 ? { spec: runs[0]!.fe.spec, params: readParamsFile(paramsPath, emulatorParams(runs[0]!.fe.spec, snapshot)) } : byParams(runs, paramsPath, snapshot);
  return { spec, snapshot, params, test: testLevels(data, () => loadDataset(data, file)) };
}

/** The one of several emulators whose parameters the file holds. */
function byParams(runs: readonly { name?: string; fe: Frontend }[], path: string, snapshot: number[]): { spec: A.Spec; params: Params } {
  type Fit = { name: string; spec: A.Spec; params: Params };
  const tried = runs.map((r): Fit | { name: string; error: UserError } => {
    try {
      return { name: r.name!, spec: r.fe.spec, params: readParamsFile(path, emulatorParams(r.fe.spec, snapshot)) };
    } catch (e) {
      if (e instanceof UserError) return { name: r.name!, error: e };
      throw e;
    }
  });
  const fits = tried.filter((t): t is Fit => 'params' in t);
  if (fits.length === 1) return fits[0]!;
  const names = runs.map((r) => r.name).join(', ');
  if (fits.length) throw new UserError(`${path} fits each of the emulators ${fits.map((t) => t.name).join(', ')}`, 'choose one with --emulator NAME');
  const errors = tried.flatMap((t) => ('error' in t ? [t.error] : []));
  // Not found, not a parameter file: the same for every emulator.
  if (errors.every((e) => e.message === errors[0]!.message && e.hint === errors[0]!.hint)) throw errors[0]!;
  const why = tried.map((t, i) => `${t.name}: ${errors[i]!.message.replace(`${path}: `, '')}`).join('; ');
  throw new UserError(`${path}: these weights are none of this file's emulators' (${names}): ${why}`, 'tx params FILE --emulator NAME --list lists what each one has');
}

export function rolloutDeviceOption(): Option {
  return new Option('-d, --device <device>', 'cpu: the float64 interpreter; gpu: the emulator step compiled to WGSL, run in float32').choices(['cpu', 'gpu']).default('cpu' satisfies Device);
}
