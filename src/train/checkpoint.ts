// The checkpoint file: everything a resumed run needs to continue exactly as
// the uninterrupted one would (parameters, optimizer state, step, the losses so
// far). Arrays are float64 little-endian in base64, not JSON numbers, so the
// round trip is bit-exact (JSON would turn -0 into 0) and the file stays small.
import { UserError } from '../dsl/diagnostics.js';
import type { ParamDecl } from '../passes/inline/network.js';
import type { Params } from '../runtime/params.js';
import type { OptState } from './optimizer.js';
import type { Checkpoint } from './trainer.js';

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
    params: encodeParams(c.params),
    optimizer: opt.kind === 'adam' ? { kind: opt.kind, count: opt.count, mu: encodeParams(opt.mu), nu: encodeParams(opt.nu) } : opt,
    history: c.history.map((r) => [r.step, r.epoch, r.loss]),
  }) + '\n';
}

export function checkpointFromJson(text: string, run: string, decls: readonly ParamDecl[], file: string, blockSteps: number): Checkpoint {
  const bad = (why: string) => new UserError(`${file}: ${why}`, 'start afresh without --resume, or with another --out');
  let obj: { format?: unknown; run?: unknown; step?: unknown; horizon?: unknown; params?: unknown; optimizer?: { kind?: unknown; count?: unknown; mu?: unknown; nu?: unknown }; history?: unknown };
  try {
    obj = JSON.parse(text);
  } catch {
    throw bad('not a txc checkpoint (not JSON)');
  }
  if (obj?.format !== FORMAT) throw bad('not a txc checkpoint');
  if (obj.run !== run) throw bad('the checkpoint is of another run: the spec or its configuration changed');
  const { step, optimizer: o, history } = obj;
  const horizon = obj.horizon ?? blockSteps;
  if (!Number.isInteger(step) || !Number.isInteger(o?.count) || !Array.isArray(history) || history.length !== step)
    throw bad('inconsistent step count');
  if (!Number.isInteger(horizon) || (horizon as number) < 1) throw bad('the schedule horizon is not a positive integer');
  const count = o!.count as number;
  const optimizer: OptState =
    o!.kind === 'adam' ? { kind: 'adam', count, mu: decodeParams(o!.mu, decls, bad), nu: decodeParams(o!.nu, decls, bad) } : { kind: 'sgd', count };
  return {
    step: step as number,
    horizon: horizon as number,
    params: decodeParams(obj.params, decls, bad),
    optimizer,
    history: (history as [number, number, number][]).map(([s, epoch, loss]) => ({ step: s, epoch, loss })),
  };
}

function encodeParams(p: Params): Record<string, { shape: readonly number[]; f64le: string }> {
  return Object.fromEntries([...p].map(([name, t]) => [name, { shape: t.shape, f64le: encodeF64(t.data) }]));
}

function decodeParams(rec: unknown, decls: readonly ParamDecl[], bad: (why: string) => Error): Params {
  const out: Params = new Map();
  for (const d of decls) {
    const v = (rec as Record<string, { shape?: number[]; f64le?: string }> | undefined)?.[d.name];
    if (!v || v.shape?.join() !== d.shape.join() || typeof v.f64le !== 'string') throw bad(`'${d.name}' is missing or of another shape`);
    const data = decodeF64(v.f64le);
    if (data.length !== d.shape.reduce((a, x) => a * x, 1)) throw bad(`'${d.name}' has the wrong number of values`);
    out.set(d.name, { shape: d.shape, data });
  }
  return out;
}

function encodeF64(xs: Float64Array): string {
  const view = new DataView(new ArrayBuffer(xs.length * 8));
  xs.forEach((x, i) => view.setFloat64(i * 8, x, true));
  return Buffer.from(view.buffer).toString('base64');
}

function decodeF64(s: string): Float64Array {
  const bytes = Buffer.from(s, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length: Math.floor(bytes.byteLength / 8) }, (_, i) => view.getFloat64(i * 8, true));
}
