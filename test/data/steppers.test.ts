import { describe, expect, it } from 'vitest';
import {
  advectionSpectral,
  advectionUpwind,
  builtinStepper,
  burgersCentral,
  diffusionFtcs,
  diffusionSpectral,
  lorenzRk4,
  stepBatch,
} from '../../src/data/steppers.js';

const f64 = (...xs: number[]) => Float64Array.from(xs);
const mode = (n: number, k: number, phase = 0) => Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * k * j) / n + phase));
const expectClose = (got: Float64Array, want: ArrayLike<number>, digits = 12) => {
  expect(got.length).toBe(want.length);
  got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, digits));
};

describe('advection', () => {
  it('upwind, cfl 0.5 on [1, 2, 4, 8]: u[i] - 0.5 (u[i] - u[i-1])', () => {
    // i=0: 1 - 0.5 (1 - 8) = 4.5;  i=1: 2 - 0.5 (2 - 1) = 1.5
    // i=2: 4 - 0.5 (4 - 2) = 3;    i=3: 8 - 0.5 (8 - 4) = 6
    expect(Array.from(advectionUpwind(4, 0.5)(f64(1, 2, 4, 8)))).toEqual([4.5, 1.5, 3, 6]);
  });

  it('upwind, cfl -0.5 on [1, 2, 4, 8]: u[i] + 0.5 (u[i+1] - u[i])', () => {
    // i=0: 1 + 0.5 (2 - 1) = 1.5;  i=1: 2 + 0.5 (4 - 2) = 3
    // i=2: 4 + 0.5 (8 - 4) = 6;    i=3: 8 + 0.5 (1 - 8) = 4.5
    expect(Array.from(advectionUpwind(4, -0.5)(f64(1, 2, 4, 8)))).toEqual([1.5, 3, 6, 4.5]);
  });

  it('upwind acts on each channel row separately', () => {
    expect(Array.from(advectionUpwind(2, 1)(f64(1, 2, 3, 4)))).toEqual([2, 1, 4, 3]);
  });

  it('spectral with cfl 1 is a one-cell shift to the right, cfl -2 two cells to the left', () => {
    const u = f64(3, -1, 4, 1, -5, 9, 2);
    expectClose(advectionSpectral(7, 1)(u), [2, 3, -1, 4, 1, -5, 9]);
    expectClose(advectionSpectral(7, -2)(u), [4, 1, -5, 9, 2, 3, -1]);
  });

  it('spectral with a fractional cfl shifts a single mode by exactly cfl cells', () => {
    // cos(k x) shifted by c cells = cos(k (x - c dx)) = cos(2 pi k j / N - 2 pi k c / N).
    const n = 16;
    expectClose(advectionSpectral(n, 0.3)(mode(n, 3)), mode(n, 3, (-2 * Math.PI * 3 * 0.3) / n));
  });
});

describe('diffusion', () => {
  it('spectral damps mode k by exp(-gamma (2 pi k / N)^2), the Nyquist mode included', () => {
    const n = 12;
    const gamma = 0.3;
    for (const k of [0, 1, 4, 6]) {
      const factor = Math.exp(-gamma * ((2 * Math.PI * k) / n) ** 2);
      expectClose(diffusionSpectral(n, gamma)(mode(n, k, 0)), mode(n, k, 0).map((x) => factor * x));
      expectClose(diffusionSpectral(n, gamma)(mode(n, k, 1)), mode(n, k, 1).map((x) => factor * x));
    }
  });

  it('ftcs damps mode k by 1 - 4 gamma sin^2(pi k / N) (its symbol)', () => {
    const n = 10;
    const gamma = 0.2;
    for (const k of [1, 2, 5]) {
      const factor = 1 - 4 * gamma * Math.sin((Math.PI * k) / n) ** 2;
      expectClose(diffusionFtcs(n, gamma)(mode(n, k, 0.4)), mode(n, k, 0.4).map((x) => factor * x));
    }
  });

  it('ftcs on [0, 1, 0, 0] with gamma 0.25: u + 0.25 (u[i+1] - 2u[i] + u[i-1])', () => {
    // i=0: 0 + 0.25 (1 - 0 + 0) = 0.25;  i=1: 1 + 0.25 (0 - 2 + 0) = 0.5
    // i=2: 0 + 0.25 (0 - 0 + 1) = 0.25;  i=3: 0
    expect(Array.from(diffusionFtcs(4, 0.25)(f64(0, 1, 0, 0)))).toEqual([0.25, 0.5, 0.25, 0]);
  });
});

describe('burgers', () => {
  it('one Heun step on a 4-point state matches values computed independently', () => {
    // N = 4, dx = pi/2, nu = 0.5, dt = 0.1, u = [1, 2, 0, 0]:
    // F(u)[0] = -(2^2 - 0^2) / (4 dx) + nu (2 - 2 + 0) / dx^2 = -2/pi = -0.63662
    // F(u)[1] = -(0 - 1) / (2 pi) + 0.5 (0 - 4 + 1) / (pi^2/4) = 1/(2 pi) - 6/pi^2 = -0.44877
    // then v = u + 0.1 F(u), u' = u + 0.05 (F(u) + F(v)); reference values from
    // a separate Python evaluation of the same formulas.
    const got = burgersCentral(4, 0.5, 0.1, 1)(f64(1, 2, 0, 0));
    expectClose(got, [0.938630054871273, 1.95537547912019, 0.10025586142491263, 0.005738604583624344], 14);
  });

  it('conserves the mean (flux form) and substeps compose', () => {
    const u = Float64Array.from({ length: 32 }, (_, j) => Math.sin((2 * Math.PI * j) / 32) + 0.3);
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y);
    expect(sum(burgersCentral(32, 0.05, 0.01, 3)(u))).toBeCloseTo(sum(u), 12);
    const half = burgersCentral(32, 0.05, 0.005, 1);
    expectClose(burgersCentral(32, 0.05, 0.01, 2)(u), half(half(u)), 14);
  });
});

describe('lorenz63', () => {
  it('one RK4 step from (1, 1, 1) with dt 0.01 matches a hand expansion', () => {
    // f(x,y,z) = (10 (y - x), x (28 - z) - y, x y - 8/3 z)
    // k1 = f(1, 1, 1)                         = (0, 26, -5/3)
    // k2 = f(1, 1.13, 1 - 0.005 * 5/3)        = (1.3, 25.878333.., -1.514444..)
    // k3 = f(u + 0.005 k2)                    = (1.2289166.., 26.0537297.., -1.5097413..)
    // k4 = f(u + 0.01 k3)                     = (2.4824813.., 26.0865531.., -1.3503786..)
    // u' = u + 0.01/6 (k1 + 2 k2 + 2 k3 + k4), evaluated in exact rationals
    const got = lorenzRk4(0.01, 10, 28, 8 / 3)(f64(1, 1, 1));
    expectClose(got, [1.0125671910736112, 1.2599177989452743, 0.9848909717916053], 14);
  });
});

describe('builtinStepper', () => {
  it('fills defaults and picks the method', () => {
    const u = f64(1, 2, 4, 8);
    expect(Array.from(builtinStepper('advection', 'upwind', { cfl: -0.5 }, 4)(u))).toEqual([1.5, 3, 6, 4.5]);
    expectClose(builtinStepper('lorenz63', 'rk4', {}, 0)(f64(1, 1, 1)), lorenzRk4(0.01, 10, 28, 8 / 3)(f64(1, 1, 1)), 15);
  });

  it('rejects unknown methods and parameters by name', () => {
    expect(() => builtinStepper('advection', 'weno', {}, 8)).toThrow("advection has no method 'weno'; it has spectral, upwind");
    expect(() => builtinStepper('diffusion', 'ftcs', { nu: 1 }, 8)).toThrow("internal: diffusion has no parameter 'nu'");
  });

  it('steps every state of a batch', () => {
    const step = advectionUpwind(2, 1);
    expect(Array.from(stepBatch(step, f64(1, 2, 3, 4), 2))).toEqual([2, 1, 4, 3]);
  });
});
