// Emulator parameters: seeded initialisation and the JSON file format
// `{"<name>": {"shape": [...], "data": [flat, row-major]}}` shared by
// `tx params`, `tx grad --params` and trained results.
import { Rng } from '../data/rng.js';
import { UserError } from '../util/diagnostics.js';
import { describeJson, isRecord } from '../util/describe.js';
import type { Tensor } from '../ops/op.js';
import type { ParamDecl } from '../passes/inline/network.js';

export type Params = Map<string, Tensor>;

/**
 * Equinox's default for convolutions and Linear: weights and biases uniform
 * in ±1/sqrt(fan_in); a norm's scale and shift at their constants; a
 * spectral convolution's weights normal. The values differ from JAX's
 * (another random stream), the distribution does not.
 */
export function initParams(decls: readonly ParamDecl[], seed: number): Params {
  const rng = new Rng(seed);
  const out: Params = new Map();
  for (const d of decls) {
    const n = d.shape.reduce((a, x) => a * x, 1);
    const draw = 'value' in d ? () => d.value : 'std' in d ? () => d.std * rng.normal() : () => rng.uniform(-1 / Math.sqrt(d.fanIn), 1 / Math.sqrt(d.fanIn));
    out.set(d.name, { shape: d.shape, data: Float64Array.from({ length: n }, draw) });
  }
  return out;
}

export function paramsToJson(p: Params): string {
  const obj = Object.fromEntries([...p].map(([k, t]) => [k, { shape: t.shape, data: [...t.data] }]));
  return JSON.stringify(obj, null, 1) + '\n';
}

/** Reads a parameter file against the parameters the emulator declares. */
export function paramsFromJson(text: string, decls: readonly ParamDecl[], file: string): Params {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(obj))
    throw new UserError(`${file}: expected an object of parameters`, 'e.g. {"layers.0.weight": {"shape": [1, 1, 2], "data": [0.2, 0.7]}}');
  const rec = obj;
  const known = new Set(decls.map((d) => d.name));
  for (const k of Object.keys(rec))
    if (!known.has(k)) throw new UserError(`${file}: unknown parameter '${k}'`, `this emulator has: ${[...known].join(', ')}`);
  const out: Params = new Map();
  for (const d of decls) {
    const v = rec[d.name];
    if (v === undefined) throw new UserError(`${file}: missing parameter '${d.name}'`, `expected shape [${d.shape.join(', ')}]; \`tx params spec.tx\` prints a complete file`);
    if (!isRecord(v))
      throw new UserError(`${file}: '${d.name}' is ${describeJson(v)}, not {"shape": [...], "data": [...]}`, `expected shape [${d.shape.join(', ')}]; \`tx params spec.tx\` prints a complete file`);
    const { shape, data } = v;
    if (!Array.isArray(shape) || shape.length !== d.shape.length || shape.some((x, i) => x !== d.shape[i]))
      throw new UserError(`${file}: '${d.name}' has shape ${Array.isArray(shape) ? `[${shape.map(describeJson).join(',')}]` : describeJson(shape)}, but the emulator needs [${d.shape.join(', ')}]`);
    const n = d.shape.reduce((a, x) => a * x, 1);
    if (!Array.isArray(data) || data.length !== n)
      throw new UserError(`${file}: '${d.name}' needs ${n} numbers in "data", got ${Array.isArray(data) ? data.length : describeJson(data)}`);
    const bad = data.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) throw new UserError(`${file}: '${d.name}' data[${bad}] is ${describeJson(data[bad])}, not a finite number`);
    out.set(d.name, { shape: d.shape, data: Float64Array.from(data as number[]) });
  }
  return out;
}
