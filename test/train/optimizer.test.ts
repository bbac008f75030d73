import { describe, expect, test } from 'vitest';
import type { Params } from '../../src/runtime/params.js';
import { clipByGlobalNorm, globalNorm, optimizer } from '../../src/train/optimizer.js';
import { EXPONENTIAL_FINAL_FACTOR, finalRate, schedule } from '../../src/train/schedule.js';

const scalar = (x: number): Params => new Map([['w', { shape: [1], data: Float64Array.of(x) }]]);
const value = (p: Params) => p.get('w')!.data[0];

describe('adam', () => {
  test('two steps by hand (optax.adam: b1 0.9, b2 0.999, eps 1e-8 outside the sqrt)', () => {
    // p0 = 1, lr 0.1, gradients 0.5 then -1.
    // step 1: m = 0.1*0.5 = 0.05, v = 0.001*0.25 = 2.5e-4,
    //   m^ = 0.05/(1-0.9) = 0.5, v^ = 2.5e-4/(1-0.999) = 0.25, sqrt = 0.5,
    //   u = 0.5/(0.5 + 1e-8) = 0.99999998, p1 = 1 - 0.1 u = 0.900000002
    // step 2: m = 0.1*(-1) + 0.9*0.05 = -0.055, v = 0.001*1 + 0.999*2.5e-4 = 1.24975e-3,
    //   m^ = -0.055/(1-0.81) = -0.28947368, v^ = 1.24975e-3/(1-0.998001) = 0.62518759,
    //   sqrt = 0.79068805, u = -0.36610352, p2 = p1 - 0.1 u = 0.93661035
    const adam = optimizer({ optimizer: 'adam' });
    let p = scalar(1);
    let s = adam.init(p);
    ({ params: p, state: s } = adam.update(p, scalar(0.5), s, 0.1));
    expect(value(p)).toBeCloseTo(0.900000002, 15);
    ({ params: p, state: s } = adam.update(p, scalar(-1), s, 0.1));
    expect(value(p)).toBeCloseTo(0.9366103542405653, 15);
    expect(s).toMatchObject({ kind: 'adam', count: 2 });
    if (s.kind !== 'adam') throw new Error('adam state');
    expect(value(s.mu)).toBeCloseTo(-0.055, 15);
    expect(value(s.nu)).toBeCloseTo(1.24975e-3, 15);
  });

  test('never mutates its arguments (an executor keeps the previous state by reference)', () => {
    const adam = optimizer({ optimizer: 'adam' });
    const p = scalar(1);
    const s = adam.init(p);
    adam.update(p, scalar(2), s, 0.1);
    expect(value(p)).toBe(1);
    expect(s.count).toBe(0);
  });
});

describe('adamw', () => {
  test('one step by hand: the decay term joins the Adam update before the rate scales it (optax.adamw)', () => {
    // As adam's first step above, u = 0.99999998; with weight_decay 0.5 the update is u + 0.5 * p0 = 1.49999998.
    const adamw = optimizer({ optimizer: 'adamw', weightDecay: 0.5 });
    const { params, state } = adamw.update(scalar(1), scalar(0.5), adamw.init(scalar(1)), 0.1);
    expect(value(params)).toBeCloseTo(1 - 0.1 * 1.49999998, 15);
    expect(state.kind).toBe('adam');
  });
  test('adam when the decay is 0, to the bit', () => {
    const [a, w] = [optimizer({ optimizer: 'adam' }), optimizer({ optimizer: 'adamw', weightDecay: 0 })];
    expect(w.update(scalar(-0), scalar(0.25), w.init(scalar(-0)), 0.1)).toEqual(a.update(scalar(-0), scalar(0.25), a.init(scalar(-0)), 0.1));
  });
});

describe('clip_by_global_norm', () => {
  const grads = (): Params => new Map([['a', { shape: [1], data: Float64Array.of(3) }], ['b', { shape: [1], data: Float64Array.of(-4) }]]);
  test('above the limit: every gradient scaled by limit / global norm (5 over both tensors)', () => {
    const c = clipByGlobalNorm(grads(), 1);
    expect([...c.values()].map((t) => t.data[0])).toEqual([(3 / 5) * 1, (-4 / 5) * 1]);
    expect(globalNorm(c)).toBeCloseTo(1, 15);
  });
  test('below the limit: untouched', () => {
    const g = grads();
    expect(clipByGlobalNorm(g, 5.5)).toBe(g);
  });
  test('before the optimizer: sgd steps by the clipped gradient', () => {
    const sgd = optimizer({ optimizer: 'sgd', clipNorm: 0.5 });
    expect(value(sgd.update(scalar(1), scalar(2), sgd.init(scalar(1)), 0.1).params)).toBe(1 - 0.1 * ((2 / 2) * 0.5));
  });
});

test('sgd: p - lr g', () => {
  const sgd = optimizer({ optimizer: 'sgd' });
  const { params, state } = sgd.update(scalar(1), scalar(0.5), sgd.init(scalar(1)), 0.1);
  expect(value(params)).toBe(0.95);
  expect(state.count).toBe(1);
});

describe('schedules', () => {
  const at = (kind: 'constant' | 'cosine' | 'exponential', steps: number[]) => steps.map(schedule({ lr: 0.1, schedule: kind, steps: 1000 }));
  test('constant', () => expect(at('constant', [0, 500, 999])).toEqual([0.1, 0.1, 0.1]));
  test('cosine: optax.cosine_decay_schedule to 0 over the steps', () => {
    const [a, b, c, d, e] = at('cosine', [0, 250, 500, 1000, 2000]);
    expect(a).toBe(0.1);
    expect(b).toBeCloseTo(0.1 * 0.8535533905932737, 15); // (1 + cos(pi/4)) / 2
    expect(c).toBeCloseTo(0.05, 15);
    expect(d).toBeCloseTo(0, 15);
    expect(e).toBeCloseTo(0, 15); // held at the end, as optax clips the count
  });
  test('exponential: 1/100 of the learning rate at the last step, smoothly', () => {
    expect(EXPONENTIAL_FINAL_FACTOR).toBe(0.01);
    const [a, b, c] = at('exponential', [0, 500, 1000]);
    expect(a).toBe(0.1);
    expect(b).toBeCloseTo(0.01, 15); // 0.1 * 0.01^(1/2)
    expect(c).toBeCloseTo(0.001, 15);
  });
  test('past the horizon (a run extended with --resume) every schedule holds its value at the horizon', () => {
    for (const kind of ['constant', 'cosine', 'exponential'] as const) {
      const [end, past] = at(kind, [1000, 1700]);
      expect(past).toBe(end);
    }
  });

  describe('warmup_cosine: optax.warmup_cosine_decay_schedule(init, peak, warmup, decay_steps = steps, end)', () => {
    const train = { lr: 1, schedule: 'warmup_cosine' as const, steps: 110, warmupCosine: { warmup: 10, init: 0.2, end: 0.1 } };
    test('linear from init to peak over the warm-up, then the cosine from peak to end over the remaining steps, held after', () => {
      const [a, b, c, d, e, f] = [0, 5, 10, 60, 110, 500].map(schedule(train));
      expect(a).toBe(0.2);
      expect(b).toBeCloseTo(0.6, 15); // halfway up
      expect(c).toBe(1); // the peak, the cosine's first step
      expect(d).toBeCloseTo(0.55, 15); // halfway down: (1 - alpha) (1 + cos(pi/2)) / 2 + alpha with alpha = end / peak = 0.1
      expect(e).toBeCloseTo(0.1, 15);
      expect(f).toBe(e);
      expect(finalRate(train)).toBe(e);
    });
    test('no warm-up: the cosine from the first step', () => {
      const lr = schedule({ ...train, warmupCosine: { warmup: 0, init: 0, end: 0 } });
      expect(lr(0)).toBe(1);
      expect(lr(55)).toBeCloseTo(0.5, 15);
    });
    test('a run shorter than its warm-up (--steps) is refused, with what to change', () => {
      expect(() => schedule({ ...train, steps: 10 })).toThrow(/warms up over 10 steps, but the run has 10/);
    });
  });
});
