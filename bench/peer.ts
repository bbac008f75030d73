// What the harness asks of every implementation of the training step (txc,
// jax-js, TF.js, on each of their devices).
import type * as A from '../src/dsl/ast.js';
import type { Workload } from './workloads.js';

export interface Peer {
  /** 'txc', 'jax-js', 'TF.js'. */
  readonly name: string;
  /** 'webgpu', 'wasm', 'cpu'. */
  readonly device: string;
  /** Counts its dispatches through Dawn's GPUComputePassEncoder (a WebGPU peer). */
  readonly gpu: boolean;
  /**
   * Sets up a training run of `w`: the initial parameters, the optimizer
   * state and the whole pool of minibatches on the device. Throws
   * `Unavailable` when this library and device cannot run here.
   */
  prepare(w: Workload): Promise<Run>;
}

/** A training run on one workload, handles to losses of type L. */
export interface Run<L = unknown> {
  /**
   * Enqueues training step `i` (on minibatch i mod pool, learning rate
   * `w.lr`) and returns its loss — the one computed before the update —
   * without reading it back if the library can avoid it.
   */
  step(i: number): L;
  /** Reads back the losses of earlier steps, in one transfer where the library allows. */
  read(losses: L[]): Promise<number[]>;
  /** Frees the device memory of the run. */
  dispose(): void | Promise<void>;
  /** What the table should say about how this peer runs (e.g. where Adam runs). */
  notes: string[];
}

/** This peer and device cannot run here; the message says why. */
export class Unavailable extends Error {}

/**
 * Operations over a library's arrays, for evaluating a reference stepper's
 * expression (`u - c * (u - shift(u, 1))`) in that library. `use(name)`
 * returns the state (for jax-js: a new reference to it).
 */
export interface ExprOps<T> {
  use(name: string): T;
  add(a: T | number, b: T | number): T | number;
  sub(a: T | number, b: T | number): T | number;
  mul(a: T | number, b: T | number): T | number;
  div(a: T | number, b: T | number): T | number;
  neg(a: T | number): T | number;
  /** `shift(u, k)`: rolled k cells to the right along space (np.roll). */
  shift(a: T, k: number): T;
}

/** Evaluates an expression stepper's body; constants are inlined as numbers. */
export function evalExpr<T>(step: A.ExprStepper, ops: ExprOps<T>): T {
  const go = (e: A.Expr): T | number => {
    switch (e.kind) {
      case 'num':
        return e.value;
      case 'var':
        return e.name in step.constants ? step.constants[e.name]! : ops.use(e.name);
      case 'neg':
        return ops.neg(go(e.arg));
      case 'bin': {
        const [a, b] = [go(e.lhs), go(e.rhs)];
        switch (e.op) {
          case '+':
            return ops.add(a, b);
          case '-':
            return ops.sub(a, b);
          case '*':
            return ops.mul(a, b);
          case '/':
            return ops.div(a, b);
          default:
            throw new Error(`unknown operator ${e.op satisfies never}`);
        }
      }
      case 'call': {
        if (e.fn !== 'shift') throw new Error(`the peers implement shift() only, not ${e.fn}()`);
        const [x, k] = e.args;
        if (k?.kind !== 'num' && !(k?.kind === 'neg' && k.arg.kind === 'num')) throw new Error('shift() needs a constant offset');
        const off = k.kind === 'num' ? k.value : -(k.arg as { value: number }).value;
        const v = go(x!);
        if (typeof v === 'number') throw new Error('shift() of a constant');
        return ops.shift(v, off);
      }
      default:
        throw new Error(`unknown expression ${(e satisfies never as A.Expr).kind}`);
    }
  };
  const out = go(step.body);
  if (typeof out === 'number') throw new Error('the reference is a constant');
  return out;
}

/** SAME padding as txc and equinox: kernel k pads (k-1)//2 on the left, the rest on the right. */
export function samePads(k: number): [number, number] {
  const left = (k - 1) >> 1;
  return [left, k - 1 - left];
}

/** ADAM constants as optax's defaults (and txc's optimizer). */
export { ADAM } from '../src/codegen/optimizer.js';
