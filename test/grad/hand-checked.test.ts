// Tiny cases whose loss and gradient are worked out by hand below, so a
// reviewer can redo them with pen and paper. The emulator is
//     emulator conv1d { channels 1 -> 1  kernel 1  bias false }
// i.e. u |-> w u with one parameter w (layers.0.weight, shape [1, 1, 1]), on
// states of 2 points (shape [1, 2]). Windows are given explicitly; the data
// block names a file that is never read (its shape is supplied).
//
// Notation: for a sample with n = 2 entries, mse(a, b) = (1/2) sum_i (a_i - b_i)^2,
// so d/dw mse = (1/2) sum_i 2 e_i de_i/dw = sum_i e_i de_i/dw with e = a - b.
// The batch loss is the mean of the per-sample losses.
import { describe, expect, it } from 'vitest';
import type { Params } from '../../src/runtime/params.js';
import { compileAll, lossAndGrad, windowsFrom } from './helpers.js';

function spec(extra: string, config: string): string {
  return `
data file "unused.npy"
emulator conv1d { channels 1 -> 1  kernel 1  padding circular  bias false }
${extra}
config ${config}
`;
}

function w(value: number): Params {
  return new Map([['layers.0.weight', { shape: [1, 1, 1], data: Float64Array.of(value) }]]);
}

/** Loss and dL/dw of the configuration on the windows (each a list of 2-point snapshots). */
function lg(extra: string, config: string, weight: number, windows: number[][][]): { loss: number; grad: number } {
  const [c] = compileAll(spec(extra, config), 'hand.tx', () => [1, 2]);
  const { loss, grads } = lossAndGrad(c!, w(weight), windowsFrom([1, 2], windows));
  expect(grads.get('layers.0.weight')!.shape).toEqual([1, 1, 1]);
  return { loss, grad: grads.get('layers.0.weight')!.data[0]! };
}

function expectNear(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
}

describe('supervised rollout 2, mse, w = 0.5, two windows', () => {
  // Window A: ic = [1, 2], y1 = [1, 1], y2 = [0, 2]
  //   u1 = w ic   = [0.5, 1]     e1 = u1 - y1 = [-0.5, 0]     l1 = (0.25 + 0)/2    = 0.125
  //   u2 = w^2 ic = [0.25, 0.5]  e2 = u2 - y2 = [0.25, -1.5]  l2 = (0.0625 + 2.25)/2 = 1.15625
  //   dl1/dw = sum e1 * ic = -0.5*1 + 0*2 = -0.5
  //   dl2/dw = sum e2 * (2 w ic) = sum e2 * [1, 2] = 0.25 - 3 = -2.75
  // Window B: ic = [2, 0], y1 = [1, 0], y2 = [1, 0]
  //   u1 = [1, 0]    e1 = [0, 0]     l1 = 0       dl1/dw = 0
  //   u2 = [0.5, 0]  e2 = [-0.5, 0]  l2 = 0.25/2 = 0.125
  //   dl2/dw = sum e2 * (2 w ic) = sum e2 * [2, 0] = -1
  // Batch mean: L     = ((0.125 + 1.15625) + (0 + 0.125)) / 2 = 1.40625 / 2 = 0.703125
  //             dL/dw = ((-0.5 - 2.75) + (0 - 1)) / 2 = -4.25 / 2 = -2.125
  const windows = [
    [[1, 2], [1, 1], [0, 2]],
    [[2, 0], [1, 0], [1, 0]],
  ];

  it('full backpropagation through time', () => {
    const r = lg('', 'supervised rollout 2', 0.5, windows);
    expectNear(r.loss, 0.703125);
    expectNear(r.grad, -2.125);
  });

  it('cut_bptt: u2 = w sg(u1), so de2/dw = u1 instead of 2 w ic', () => {
    // Loss unchanged: 0.703125.
    // A: dl2/dw = sum e2 * u1 = 0.25*0.5 + (-1.5)*1 = -1.375;  A total = -0.5 - 1.375 = -1.875
    // B: dl2/dw = sum e2 * u1 = -0.5*1 + 0*0      = -0.5;    B total = 0 - 0.5      = -0.5
    // dL/dw = (-1.875 - 0.5) / 2 = -1.1875
    const r = lg('', 'supervised rollout 2 cut_bptt', 0.5, windows);
    expectNear(r.loss, 0.703125);
    expectNear(r.grad, -1.1875);
  });

  it('weights [0, 1]: the second step alone', () => {
    // L = (1.15625 + 0.125) / 2 = 0.640625;  dL/dw = (-2.75 - 1) / 2 = -1.875
    const r = lg('', 'supervised rollout 2 weights [0, 1]', 0.5, windows);
    expectNear(r.loss, 0.640625);
    expectNear(r.grad, -1.875);
  });
});

describe('normalised losses divide per sample, then average over the batch (supervised rollout 1, w = 0.5)', () => {
  // Window A: ic = [1, 2], y = [2, 2]:  u = [0.5, 1], e = [-1.5, -1], sum e^2 = 3.25, sum y^2 = 8
  //   nmse_A = (3.25/2) / (8/2) = 0.40625;  d/dw = 2 sum(e * ic) / sum y^2 = 2 (-1.5 - 2) / 8 = -0.875
  // Window B: ic = [1, 0], y = [4, 0]:  u = [0.5, 0], e = [-3.5, 0], sum e^2 = 12.25, sum y^2 = 16
  //   nmse_B = 12.25 / 16 = 0.765625;     d/dw = 2 (-3.5) / 16 = -0.4375
  // L = (0.40625 + 0.765625) / 2 = 0.5859375;  dL/dw = (-0.875 - 0.4375) / 2 = -0.65625
  // (Normalising after the batch mean would give (3.25 + 12.25) / 24 = 0.6458...: a different number.)
  const windows = [
    [[1, 2], [2, 2]],
    [[1, 0], [4, 0]],
  ];
  it('nmse', () => {
    const r = lg('', 'supervised rollout 1 loss nmse', 0.5, windows);
    expectNear(r.loss, 0.5859375);
    expectNear(r.grad, -0.65625);
  });
  it('nmae', () => {
    // A: mean|e| = (1.5 + 1)/2 = 1.25, mean|y| = 2:  nmae_A = 0.625
    //    d/dw = mean(sign(e) ic) / mean|y| = ((-1)(1) + (-1)(2))/2 / 2 = -0.75
    // B: mean|e| = 3.5/2 = 1.75, mean|y| = 2:        nmae_B = 0.875
    //    d/dw = ((-1)(1) + 0)/2 / 2 = -0.25
    // L = (0.625 + 0.875)/2 = 0.75;  dL/dw = (-0.75 - 0.25)/2 = -0.5
    const r = lg('', 'supervised rollout 1 loss nmae', 0.5, windows);
    expectNear(r.loss, 0.75);
    expectNear(r.grad, -0.5);
  });
});

describe('residuum R(next, prev) = next - prev, rollout 2, w = 1.5, ic = [1, 2]', () => {
  // mean(ic^2) = (1 + 4)/2 = 2.5. The residual loss is mse(r) = mean(r^2), d/dw = 2 mean(r dr/dw).
  // Step 1: prev = ic, next = w ic:        r1 = (w - 1) ic = 0.5 ic        l1 = 0.25 * 2.5 = 0.625
  // Step 2: prev = w ic, next = w^2 ic:    r2 = (w^2 - w) ic = 0.75 ic     l2 = 0.5625 * 2.5 = 1.40625
  // L = 2.03125 whatever is cut (cuts never change values).
  const residuum = 'residuum diff(next, prev) = next - prev';
  const windows = [[[1, 2]]];

  it('no cut', () => {
    // dr1/dw = ic:               dl1/dw = 2 * 0.5 * 1 * 2.5 = 2.5
    // dr2/dw = (2w - 1) ic = 2 ic: dl2/dw = 2 * 0.75 * 2 * 2.5 = 7.5       dL/dw = 10
    const r = lg(residuum, 'residuum rollout 2', 1.5, windows);
    expectNear(r.loss, 2.03125);
    expectNear(r.grad, 10);
  });

  it('cut_prev: r = next - sg(prev)', () => {
    // dr1/dw = ic (prev = ic carries nothing anyway):   dl1/dw = 2.5
    // dr2/dw = d(w^2 ic)/dw = 2w ic = 3 ic:             dl2/dw = 2 * 0.75 * 3 * 2.5 = 11.25
    // dL/dw = 13.75
    const r = lg(residuum, 'residuum rollout 2 cut_prev', 1.5, windows);
    expectNear(r.loss, 2.03125);
    expectNear(r.grad, 13.75);
  });

  it('cut_next: r = sg(next) - prev', () => {
    // dr1/dw = 0 (prev = ic):                           dl1/dw = 0
    // dr2/dw = -d(w ic)/dw = -ic:                       dl2/dw = 2 * 0.75 * (-1) * 2.5 = -3.75
    // dL/dw = -3.75. Check: cut_prev + cut_next = 13.75 - 3.75 = 10 = no cut, as the
    // derivative of R splits into its next and prev parts.
    const r = lg(residuum, 'residuum rollout 2 cut_next', 1.5, windows);
    expectNear(r.loss, 2.03125);
    expectNear(r.grad, -3.75);
  });

  it('cut_bptt: prev of step 2 is sg(w ic)', () => {
    // Step 2: next = w sg(u1), prev = sg(u1), u1 = w ic = 1.5 ic: dr2/dw = u1 = 1.5 ic
    //   dl2/dw = 2 * 0.75 * 1.5 * 2.5 = 5.625;  dL/dw = 2.5 + 5.625 = 8.125
    const r = lg(residuum, 'residuum rollout 2 cut_bptt', 1.5, windows);
    expectNear(r.loss, 2.03125);
    expectNear(r.grad, 8.125);
  });
});

describe('diverted rollout 2 branch 1 against P(u) = 0.5 u, w = 1.5, ic = [1, 2]', () => {
  // mean(ic^2) = 2.5, c = 0.5, w - c = 1.
  // t = 0: main = ic.    pred = w ic,   ref = c ic:    r0 = (w - c) ic = ic         l0 = 2.5
  //        dr0/dw = ic:  dl0/dw = 2 mean(r0 ic) = 2 * 1 * 2.5 = 5
  // t = 1: main = u1 = w ic.  pred = w u1 = w^2 ic,  ref = c u1 = c w ic:
  //        r1 = w (w - c) ic = 1.5 ic                                           l1 = 2.25 * 2.5 = 5.625
  // L = 8.125 in every variant below.
  const reference = 'reference half(u) = 0.5 * u';
  const windows = [[[1, 2]]];

  for (const kind of ['diverted rollout 2 branch 1', 'diverted_one rollout 2']) {
    it(`${kind}: the gradient flows through the reference too`, () => {
      // dr1/dw = (2w - c) ic = 2.5 ic:  dl1/dw = 2 * 1.5 * 2.5 * 2.5 = 18.75;  dL/dw = 23.75
      const r = lg(reference, kind, 1.5, windows);
      expectNear(r.loss, 8.125);
      expectNear(r.grad, 23.75);
    });

    it(`${kind} cut_div_chain: the reference starts from sg(main)`, () => {
      // ref = c sg(u1): dr1/dw = 2w ic = 3 ic:  dl1/dw = 2 * 1.5 * 3 * 2.5 = 22.5;  dL/dw = 27.5
      const r = lg(reference, `${kind} cut_div_chain`, 1.5, windows);
      expectNear(r.loss, 8.125);
      expectNear(r.grad, 27.5);
    });

    it(`${kind} cut_bptt: main = sg(u1), so neither side of step 1 reaches back`, () => {
      // pred = w sg(u1), ref = c sg(u1): dr1/dw = u1 = 1.5 ic
      //   dl1/dw = 2 * 1.5 * 1.5 * 2.5 = 11.25;  dL/dw = 5 + 11.25 = 16.25
      const r = lg(reference, `${kind} cut_bptt`, 1.5, windows);
      expectNear(r.loss, 8.125);
      expectNear(r.grad, 16.25);
    });
  }
});
