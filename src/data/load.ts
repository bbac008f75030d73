// Node's entry to data files; kept apart from files.ts and dataset.ts so that
// only the CLI pulls in node:fs. A .npy is judged by its header against the
// file's real size before its data is read; JSON is read whole, up to a limit.
import { dirname, resolve } from 'node:path';
import type { DataDecl, GeneratorData } from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { MAX_TEXT_BYTES, readBytes, readRange, regularFileSize } from '../util/files.js';
import { datasetOf, type DataFile, type Dataset } from './dataset.js';
import { DATA_EXTENSIONS, parseTrajectoryFile } from './files.js';
import { checkInitialStates } from './initial-states.js';
import { NPY_HEAD_BYTES, readNpy, readNpyHeader } from './npy.js';
import type { Trajectories } from './trajectories.js';
import { checkTrajectories, checkTrajectoryShape } from './trajectories.js';

/** Reads, parses (.npy or .json by extension) and checks a trajectory file. */
export function loadTrajectories(path: string): Trajectories {
  const lower = path.toLowerCase();
  if (lower.endsWith('.npy')) {
    const size = regularFileSize(path);
    readNpyHeader(readRange(path, 0, Math.min(size, NPY_HEAD_BYTES)), size, path);
    return parseTrajectoryFile(path, readRange(path, 0, size));
  }
  if (lower.endsWith('.json')) return parseTrajectoryFile(path, readBytes(path, MAX_TEXT_BYTES, 'save large data as .npy (np.save)'));
  throw new UserError(`${path}: unknown data format; txc reads ${DATA_EXTENSIONS.join(' and ')} files`);
}

/** A spec's dataset, its data file (if any) read from the path it names, relative to the spec. */
export function loadDataset(data: DataDecl, specFile: string): Dataset {
  return datasetOf(data, loadDataFile(data, specFile));
}

/** The file a spec's data reads, relative to the spec: a `data file`'s trajectories or a generator's `ic file` states; undefined for neither. */
export function loadDataFile(data: DataDecl, specFile: string): DataFile | undefined {
  if (data.kind === 'generator') return data.ic && { name: data.ic.path, trajectories: loadInitialStates(data, specFile) };
  return { name: data.path, trajectories: checkTrajectories(loadTrajectories(resolve(dirname(specFile), data.path)), data.path) };
}

/** A generator's `ic file` states, read beside the spec and checked against its grid. */
function loadInitialStates(data: GeneratorData, specFile: string): Trajectories {
  const path = initialStatesPath(data, specFile);
  return checkInitialStates(data, readNpy(readRange(path, 0, regularFileSize(path)), path), specFile);
}

/** The shape of a generator's `ic file`, from its header alone, for the front end. */
export function initialStatesShape(data: GeneratorData, specFile: string): number[] {
  const path = initialStatesPath(data, specFile);
  const size = regularFileSize(path);
  return readNpyHeader(readRange(path, 0, Math.min(size, NPY_HEAD_BYTES)), size, path).shape;
}

function initialStatesPath(data: GeneratorData, specFile: string): string {
  const path = resolve(dirname(specFile), data.ic!.path);
  if (!path.toLowerCase().endsWith('.npy')) throw new UserError(`${path}: initial states are read from .npy files`, 'save them with np.save');
  return path;
}

/** A data file's snapshot shape ([channels, ...space]), for the front end. */
export function fileSnapshotShape(specFile: string): (path: string) => number[] {
  const shape = fileShape(specFile);
  return (path) => shape(path).slice(2);
}

/**
 * A data file's shape ([trajectories, snapshots, channels, ...space]), for the
 * front end and the compiler's data layout: a .npy's from its header alone,
 * so that compiling a spec never decodes its data; each file read once.
 */
export function fileShape(specFile: string): (path: string) => number[] {
  const known = new Map<string, number[]>();
  return (path) => {
    const full = resolve(dirname(specFile), path);
    let shape = known.get(full);
    if (!shape) known.set(full, (shape = readShape(full)));
    return [...shape];
  };
}

function readShape(path: string): number[] {
  if (!path.toLowerCase().endsWith('.npy')) return loadTrajectories(path).shape;
  const size = regularFileSize(path);
  const { shape } = readNpyHeader(readRange(path, 0, Math.min(size, NPY_HEAD_BYTES)), size, path);
  checkTrajectoryShape(shape, path);
  return shape;
}
