// The checkpoint file: everything a resumed run needs to continue exactly as
// the uninterrupted one would (parameters, optimizer state, step, the losses so
// far). Arrays are float64 little-endian in base64, not JSON numbers, so the
// round trip is bit-exact (JSON would turn -0 into 0) and the file stays small.
import { UserError } from '../util/diagnostics.js';
import { describeJson, isRecord } from '../util/describe.js';
import type { ParamDecl } from '../passes/inline/network.js';
import type { Params } from '../runtime/params.js';
import type { OptState } from './optimizer.js';
import type { Checkpoint, LossRecord } from './trainer.js';

const FORMAT = 'txc-checkpoint/1';

/**
 * `run` identifies what was trained (spec, configuration, options other than
 * the steps); resuming checks it. A file without `horizon` predates runs that
 * resume with other steps: its schedule spanned the train block's steps,
 * which the caller passes as `blockSteps`.
 */
export function checkpointToJson(c: Checkpoint, run: string): string {
  const opt = c.optimizer;
  return JSON.stringify({
    format: FORMAT,
    run,
    step: c.step,
    horizon: c.horizon,
    target: c.target,
    params: encodeParams(c.params),
    optimizer: opt.kind === 'adam' ? { kind: opt.kind, count: opt.count, mu: encodeParams(opt.mu), nu: encodeParams(opt.nu) } : opt,
    history: c.history.map((r) => [r.step, r.epoch, r.loss, ...(r.norms ? [r.norms.grad, r.norms.weight] : [])]),
  }) + '\n';
}

/**
 * Reads a checkpoint back, checking every field: the file may be damaged or
 * edited. `blockSteps` is the horizon of a file that records none;
 * `optimizer`, when given, is the kind the resuming run uses.
 */
export function checkpointFromJson(text: string, run: string, decls: readonly ParamDecl[], file: string, blockSteps: number, optimizer?: OptState['kind']): Checkpoint {
  const bad = (why: string) => new UserError(`${file}: ${why}`, 'start afresh without --resume, or with another --out');
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw bad('not a txc checkpoint (not JSON)');
  }
  if (!isRecord(obj) || obj.format !== FORMAT) throw bad('not a txc checkpoint');
  if (obj.run !== run) throw bad('the checkpoint is of another run: the spec or its configuration changed');
  const step = obj.step;
  if (!isCount(step)) throw bad(`"step" is ${describeJson(step)}, not a step count`);
  const horizon = obj.horizon ?? blockSteps;
  if (!isCount(horizon) || horizon < 1) throw bad(`"horizon" is ${describeJson(horizon)}, not a positive step count`);
  const target = obj.target ?? horizon;
  if (!isCount(target) || target < 1) throw bad(`"target" is ${describeJson(target)}, not a positive step count`);
  return {
    step,
    horizon,
    target,
    params: decodeParams(obj.params, 'params', decls, bad),
    optimizer: decodeOptimizer(obj.optimizer, decls, bad, optimizer),
    history: decodeHistory(obj.history, step, bad),
  };
}

type Bad = (why: string) => Error;

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function decodeOptimizer(o: unknown, decls: readonly ParamDecl[], bad: Bad, expected?: OptState['kind']): OptState {
  if (!isRecord(o) || (o.kind !== 'adam' && o.kind !== 'sgd')) throw bad('"optimizer" is not an adam or sgd state');
  if (expected && o.kind !== expected) throw bad(`"optimizer" holds ${o.kind} state, but the run trains with ${expected}`);
  if (!isCount(o.count)) throw bad(`"optimizer.count" is ${describeJson(o.count)}, not a step count`);
  if (o.kind === 'sgd') return { kind: 'sgd', count: o.count };
  return { kind: 'adam', count: o.count, mu: decodeParams(o.mu, 'optimizer.mu', decls, bad), nu: decodeParams(o.nu, 'optimizer.nu', decls, bad) };
}

/**
 * Entry i is [i, epoch, loss] with a finite loss (training stops at the first
 * loss that is not), and then the step's gradient and parameter norms where
 * they were logged.
 */
function decodeHistory(h: unknown, step: number, bad: Bad): LossRecord[] {
  if (!Array.isArray(h)) throw bad(`"history" is ${describeJson(h)}, not a list`);
  if (h.length !== step) throw bad(`"history" has ${h.length} entries, but "step" is ${step}`);
  return h.map((r: unknown, i) => {
    if (!Array.isArray(r) || (r.length !== 3 && r.length !== 5) || r[0] !== i || !isCount(r[1]) || typeof r[2] !== 'number' || !Number.isFinite(r[2]))
      throw bad(`"history[${i}]" is ${describeRow(r)}, not [${i}, epoch, finite loss]`);
    const record: LossRecord = { step: i, epoch: r[1], loss: r[2] };
    if (r.length === 3) return record;
    // A norm may be Inf or NaN (JSON's null) on the step of a finite loss.
    const norm = (x: unknown) => (typeof x === 'number' ? x : x === null ? NaN : undefined);
    const [grad, weight] = [norm(r[3]), norm(r[4])];
    if (grad === undefined || weight === undefined) throw bad(`"history[${i}]" has norms ${describeRow(r.slice(3))}, not numbers`);
    return { ...record, norms: { grad, weight } };
  });
}

function describeRow(r: unknown): string {
  return Array.isArray(r) ? `[${r.slice(0, 5).map(describeJson).join(', ')}${r.length > 5 ? ', …' : ''}]` : describeJson(r);
}

function encodeParams(p: Params): Record<string, { shape: readonly number[]; f64le: string }> {
  return Object.fromEntries([...p].map(([name, t]) => [name, { shape: t.shape, f64le: encodeF64(t.data) }]));
}

function decodeParams(rec: unknown, field: string, decls: readonly ParamDecl[], bad: Bad): Params {
  if (!isRecord(rec)) throw bad(`"${field}" is ${describeJson(rec)}, not an object of parameters`);
  const out: Params = new Map();
  for (const d of decls) {
    const v = rec[d.name];
    const shape = isRecord(v) && Array.isArray(v.shape) ? v.shape : undefined;
    if (!isRecord(v) || shape?.join() !== d.shape.join() || typeof v.f64le !== 'string')
      throw bad(`"${field}.${d.name}" is missing or of another shape than [${d.shape.join(', ')}]`);
    const n = d.shape.reduce((a, x) => a * x, 1);
    const data = decodeF64(v.f64le);
    if (data?.length !== n) throw bad(`"${field}.${d.name}" is not base64 of ${n} float64 values`);
    out.set(d.name, { shape: d.shape, data });
  }
  return out;
}

function encodeF64(xs: Float64Array): string {
  const view = new DataView(new ArrayBuffer(xs.length * 8));
  xs.forEach((x, i) => view.setFloat64(i * 8, x, true));
  return Buffer.from(view.buffer).toString('base64');
}

/** Undefined unless `s` is base64 of whole float64s (Buffer.from skips what is not base64). */
function decodeF64(s: string): Float64Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  if (bytes.byteLength % 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length: Math.floor(bytes.byteLength / 8) }, (_, i) => view.getFloat64(i * 8, true));
}
