// Shifts along any spatial axis in user expressions: the float64 interpreter
// against an independent roll, and gradients through them against finite
// differences. The states are [1, 4, 6] (a data file's shape, so the axes
// differ in length and a roll along the wrong one cannot pass).
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/ops/op.js';
import { centralDiff, compileAll, forwardValues, lossAndGrad, paramsFor, randomTensor, rng, type Compiled } from './helpers.js';

const BATCH = 2;
const STATE = [1, 4, 6];

function compile(stepper: string, config: string, state = STATE): Compiled {
  const head = 'data file "x.npy"\nemulator conv { channels 1 -> 2 -> 1  kernel 3  activation tanh  seed 3 }';
  return compileAll(`${head}\n${stepper}\nconfig ${config}\n`, 'test.tx', () => state)[0]!;
}

/** Windows [B, length, ...state] of independent random states. */
function windows(length: number, seed: number, state = STATE): Tensor {
  return randomTensor([BATCH, length, ...state], rng(seed));
}

/** np.roll(x, offsets, axes=(2, 3, ...)) of x [B, C, ...space], written out index by index. */
function rolled(x: Tensor, offsets: readonly number[]): Float64Array {
  const [b, c, ...space] = x.shape as [number, number, ...number[]];
  const out = new Float64Array(x.data.length);
  const size = space.reduce((a, d) => a * d, 1);
  for (let bc = 0; bc < b * c; bc++)
    for (let i = 0; i < size; i++) {
      // out[..., p] = x[..., p - offsets], each coordinate modulo its axis.
      let from = 0;
      let rest = i;
      let stride = size;
      space.forEach((n, a) => {
        stride /= n;
        const p = Math.floor(rest / stride);
        rest %= stride;
        from += ((((p - offsets[a]!) % n) + n) % n) * stride;
      });
      out[bc * size + i] = x.data[bc * size + from]!;
    }
  return out;
}

/** The reference's first step from windows whose first snapshot is the state. */
function firstStep(stepper: string, w: Tensor, state = STATE): Float64Array {
  const c = compile(stepper, 'mix chain [reference 1]', state);
  return forwardValues(c.forward, paramsFor(c, 1), w).get('u1')!.data;
}

/** Snapshot 0 of each window: [B, ...state]. */
function initial(w: Tensor, state = STATE): Tensor {
  const size = state.reduce((a, d) => a * d, 1);
  const t = w.shape[1]!;
  const data = new Float64Array(BATCH * size);
  for (let b = 0; b < BATCH; b++) data.set(w.data.subarray(b * t * size, b * t * size + size), b * size);
  return { shape: [BATCH, ...state], data };
}

describe('shift along any axis = np.roll (float64 interpreter, exactly)', () => {
  const w = windows(2, 7);
  const u = initial(w);

  it('shift(u, [1, 2]) rolls 1 cell along axis 0 and 2 along axis 1', () => {
    expect(firstStep('reference r(u) = shift(u, [1, 2])', w)).toEqual(rolled(u, [1, 2]));
  });

  it('shift(u, k, axis a) rolls along axis a alone; without an axis, along the last', () => {
    expect(firstStep('reference r(u) = shift(u, -3, axis 0)', w)).toEqual(rolled(u, [-3, 0]));
    expect(firstStep('reference r(u) = shift(u, 5, axis 1)', w)).toEqual(rolled(u, [0, 5]));
    expect(firstStep('reference r(u) = shift(u, 5)', w)).toEqual(rolled(u, [0, 5]));
  });

  it('offsets may be where constants and wrap around', () => {
    expect(firstStep('reference r(u) = shift(u, [k, -k]) where k = 9', w)).toEqual(rolled(u, [9, -9]));
  });

  it('on 3-D states, a list composes a roll per axis', () => {
    const state = [1, 3, 4, 5];
    const w3 = windows(2, 8, state);
    expect(firstStep('reference r(u) = shift(u, [1, 0, -2])', w3, state)).toEqual(rolled(initial(w3, state), [1, 0, -2]));
  });
});

describe('gradients through shifts along both axes = finite differences (2-D)', () => {
  // The same check as steppers.test.ts: sampled entries of every parameter,
  // central differences, 1e-6 relative to the larger of the two or a floor.
  function expectGradsMatchDifferences(c: Compiled, w: Tensor): void {
    const params = paramsFor(c, 8);
    const { loss, grads } = lossAndGrad(c, params, w);
    let gmax = 0;
    for (const g of grads.values()) for (const x of g.data) gmax = Math.max(gmax, Math.abs(x));
    expect(gmax).toBeGreaterThan(0);
    const floor = 1e-3 * Math.max(Math.abs(loss), gmax);
    const bad: string[] = [];
    for (const [name, p] of params)
      for (let i = 0; i < p.data.length; i += Math.max(1, Math.floor(p.data.length / 5))) {
        const g = grads.get(name)!.data[i]!;
        const fd = centralDiff(c.forward, params, w, name, i);
        if (!(Math.abs(g - fd) <= 1e-6 * Math.max(Math.abs(g), Math.abs(fd), floor))) bad.push(`${name}[${i}]: ${g} vs ${fd}`);
      }
    expect(bad).toEqual([]);
  }

  it('a residuum upwind along both axes, rollout 2', () => {
    const residuum = 'residuum r(next, prev) = next - prev + c * (shift(prev, [-1, 0]) - prev) + d * (shift(prev, 1, axis 1) - prev)  where c = -0.3, d = 0.2';
    expectGradsMatchDifferences(compile(residuum, 'residuum rollout 2'), windows(1, 11));
  });

  it('a reference with a diagonal shift after the emulator (mix rollout 1 post_physics 2)', () => {
    const reference = 'reference f(u) = u - c * (u - shift(u, [1, -1])) + tanh(shift(u, 2, axis 0))  where c = 0.4';
    expectGradsMatchDifferences(compile(reference, 'mix rollout 1 post_physics 2'), windows(4, 12));
  });
});
