// Trajectories as JSON: `{"shape": [...], "data": [...]}` with `data` flat
// row-major (or nested, then flattened), or a bare nested array whose shape is
// read off its nesting. JSON has no NaN or Infinity (JSON.stringify writes them
// as null), so a null entry is reported as such.
import { UserError } from '../util/diagnostics.js';
import { describeJson } from '../util/describe.js';
import { sizeOf, type Trajectories } from './trajectories.js';

/** NumPy's own limit on dimensions (numpy < 2); deeper nesting is a damaged or hostile file. */
const MAX_DIMS = 32;

/** Parses JSON trajectories; `source` names the file in error messages. */
export function readJson(text: string, source: string): Trajectories {
  const fail = (message: string, hint?: string) => new UserError(`${source}: ${message}`, hint);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message})`);
  }
  if (Array.isArray(value)) {
    const shape = nestedShape(value, source);
    return { shape, data: flatten(value, shape, source) };
  }
  if (value === null || typeof value !== 'object' || !('shape' in value) || !('data' in value)) {
    throw fail('expected {"shape": [...], "data": [...]} or a nested array of numbers');
  }
  const { shape, data } = value as { shape: unknown; data: unknown };
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw fail(`"shape" must be a list of non-negative integers, got ${describeJson(shape)}`);
  }
  if (!Array.isArray(data)) throw fail('"data" must be a list of numbers');
  const flat = flatten(data, Array.isArray(data[0]) ? nestedShape(data, source) : [data.length], source);
  if (flat.length !== sizeOf(shape)) {
    throw fail(`shape [${shape.join(', ')}] needs ${sizeOf(shape)} numbers but "data" has ${flat.length}`);
  }
  return { shape, data: flat };
}

/** Trajectories as `{"shape", "data"}` with flat data, the form `readJson` reads fastest. */
export function writeJson(t: Trajectories): string {
  return JSON.stringify({ shape: t.shape, data: Array.from(t.data) });
}

/** The shape of a nested array, read along its first elements; `flatten` then checks every list against it. */
function nestedShape(value: unknown[], source: string): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    if (shape.length === MAX_DIMS) {
      throw new UserError(`${source}: the arrays are nested more than ${MAX_DIMS} deep; txc reads at most ${MAX_DIMS} dimensions`);
    }
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  if (shape.some((d) => d === 0)) throw new UserError(`${source}: the nested array has an empty dimension`);
  return shape;
}

/** Row-major numbers of a nested array of exactly `shape`; a walk with its own stack, as nesting depth is the file's to choose. */
function flatten(value: unknown[], shape: readonly number[], source: string): Float64Array {
  const out: number[] = [];
  const stack: { list: unknown[]; next: number }[] = [];
  const where = () => `entry [${stack.map((f) => f.next - 1).join(', ')}]`;
  const enter = (v: unknown) => {
    const d = stack.length;
    if (!Array.isArray(v) || v.length !== shape[d]) {
      const got = Array.isArray(v) ? `a list of ${v.length}` : describeJson(v);
      throw new UserError(`${source}: ${where()} is ${got}, expected a list of ${shape[d]} (ragged nesting)`);
    }
    stack.push({ list: v, next: 0 });
  };
  enter(value);
  while (stack.length) {
    const top = stack.at(-1)!;
    if (top.next === top.list.length) {
      stack.pop();
      continue;
    }
    const v = top.list[top.next++];
    if (stack.length < shape.length) {
      enter(v);
    } else if (typeof v === 'number') {
      out.push(v);
    } else {
      const what = v === null ? 'null (NaN and Infinity are written as null in JSON)' : describeJson(v);
      throw new UserError(`${source}: ${where()} is ${what}, not a number`);
    }
  }
  return Float64Array.from(out);
}
