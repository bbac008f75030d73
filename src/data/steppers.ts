// The built-in reference steppers in float64: the semantics that the compiled
// steppers (written as shifts, products, sums and convolutions) are tested
// against, and what the data generators run. Each formula is in the doc comment
// exactly as computed.
//
// A 1D state is `[channels, N]` row-major with each row periodic, on the grid
// x_j = 2 pi j / N, so dx = 2 pi / N. `u[i+1]` below means u[(i + 1) mod N]
// within the row (jnp.roll(u, -1)). A Lorenz state is `[3]` = (x, y, z).
import type { GeneratorName } from '../dsl/ast.js';
import { UserError } from '../util/diagnostics.js';
import { STEPPER_METHODS, STEPPER_PARAMS, SystemParams } from './params.js';
import { cis, correlateCircular, spectralKernel } from './spectral.js';

/** One time step of one state; returns a new array. */
export type Stepper = (u: Float64Array) => Float64Array;

/** The shape of one state: `[1, points]` for the 1D PDEs, `[3]` for Lorenz-63. */
export function stateShape(name: GeneratorName, points: number): number[] {
  return name === 'lorenz63' ? [3] : [1, points];
}

/**
 * Exact advection of a band-limited state: Fourier mode k times
 * `exp(-i k 2 pi cfl / N)`, i.e. a shift by `cfl` cells (to the right for
 * cfl > 0). Applied as the `spectralKernel` cross-correlation.
 */
export function advectionSpectral(n: number, cfl: number): Stepper {
  const h = advectionKernel(n, cfl);
  return (u) => correlateCircular(u, h);
}

/** The circular kernel of `advectionSpectral`, shared with the compiled stepper. */
export function advectionKernel(n: number, cfl: number): Float64Array {
  return spectralKernel(n, (k) => cis((-2 * Math.PI * k * cfl) / n));
}

/**
 * First-order upwind: for cfl >= 0 `u[i] - cfl (u[i] - u[i-1])`, for cfl < 0
 * `u[i] - cfl (u[i+1] - u[i])` (the SAME-padded kernel-2 stencil `[1+cfl, -cfl]`).
 */
export function advectionUpwind(n: number, cfl: number): Stepper {
  return rowwise(n, (u, out, i, l, r) => {
    out[i] = cfl >= 0 ? u[i]! - cfl * (u[i]! - u[l]!) : u[i]! - cfl * (u[r]! - u[i]!);
  });
}

/** Exact diffusion with gamma = nu dt / dx^2: Fourier mode k times `exp(-gamma (2 pi k / N)^2)`. */
export function diffusionSpectral(n: number, gamma: number): Stepper {
  const h = diffusionKernel(n, gamma);
  return (u) => correlateCircular(u, h);
}

/** The circular kernel of `diffusionSpectral`, shared with the compiled stepper. */
export function diffusionKernel(n: number, gamma: number): Float64Array {
  return spectralKernel(n, (k) => ({ re: Math.exp(-gamma * ((2 * Math.PI * k) / n) ** 2), im: 0 }));
}

/** Forward time, centred space: `u[i] + gamma (u[i+1] - 2 u[i] + u[i-1])`. */
export function diffusionFtcs(n: number, gamma: number): Stepper {
  return rowwise(n, (u, out, i, l, r) => {
    out[i] = u[i]! + gamma * (u[r]! - 2 * u[i]! + u[l]!);
  });
}

/**
 * Viscous Burgers `u_t + (u^2/2)_x = nu u_xx` on [0, 2 pi), conservative central
 * differences in space and Heun's method (explicit trapezoid, 2nd order) in time,
 * `substeps` sub-steps of h = dt / substeps per call:
 *
 *   F(u)[i] = -(u[i+1]^2 - u[i-1]^2) / (4 dx) + nu (u[i+1] - 2 u[i] + u[i-1]) / dx^2
 *   v  = u + h F(u)
 *   u' = u + (h / 2) (F(u) + F(v))
 *
 * Heun rather than forward Euler: Euler is unconditionally unstable for central
 * advection once the viscosity is small; Heun is stable for small h and is
 * still only shifts, products and sums. The flux form keeps sum(u) constant.
 */
export function burgersCentral(n: number, nu: number, dt: number, substeps: number): Stepper {
  const dx = (2 * Math.PI) / n;
  const h = dt / substeps;
  const rhs = rowwise(n, (u, out, i, l, r) => {
    out[i] = -(u[r]! * u[r]! - u[l]! * u[l]!) / (4 * dx) + (nu * (u[r]! - 2 * u[i]! + u[l]!)) / (dx * dx);
  });
  return (u0) => {
    let u = u0;
    for (let s = 0; s < substeps; s++) {
      const fu = rhs(u);
      const v = u.map((x, i) => x + h * fu[i]!);
      const fv = rhs(v);
      u = u.map((x, i) => x + (h / 2) * (fu[i]! + fv[i]!));
    }
    return u;
  };
}

/**
 * Lorenz-63 with classic RK4, as Trainax's make_lorenz_stepper_rk4:
 *
 *   f(x, y, z) = (sigma (y - x), x (rho - z) - y, x y - beta z)
 *   k1 = f(u), k2 = f(u + dt/2 k1), k3 = f(u + dt/2 k2), k4 = f(u + dt k3)
 *   u' = u + dt/6 (k1 + 2 k2 + 2 k3 + k4)
 */
export function lorenzRk4(dt: number, sigma: number, rho: number, beta: number): Stepper {
  const f = (u: Float64Array) =>
    Float64Array.of(sigma * (u[1]! - u[0]!), u[0]! * (rho - u[2]!) - u[1]!, u[0]! * u[1]! - beta * u[2]!);
  const axpy = (u: Float64Array, a: number, k: Float64Array) => u.map((x, i) => x + a * k[i]!);
  return (u) => {
    const k1 = f(u);
    const k2 = f(axpy(u, dt / 2, k1));
    const k3 = f(axpy(u, dt / 2, k2));
    const k4 = f(axpy(u, dt, k3));
    return u.map((x, i) => x + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  };
}

/** The stepper a `reference`/`residuum`/`coarse` block names; missing params take their defaults. */
export function builtinStepper(
  name: GeneratorName,
  method: string,
  params: Readonly<Record<string, number>>,
  points: number,
): Stepper {
  if (!STEPPER_METHODS[name].includes(method)) {
    throw new UserError(`${name} has no method '${method}'; it has ${STEPPER_METHODS[name].join(', ')}`);
  }
  const p = SystemParams.of(STEPPER_PARAMS, name, params);
  switch (name) {
    case 'advection1d':
      return method === 'upwind' ? advectionUpwind(points, p.get('cfl')) : advectionSpectral(points, p.get('cfl'));
    case 'diffusion1d':
      return method === 'ftcs' ? diffusionFtcs(points, p.get('gamma')) : diffusionSpectral(points, p.get('gamma'));
    case 'burgers1d':
      return burgersCentral(points, p.get('nu'), p.get('dt'), p.get('substeps'));
    case 'lorenz63':
      return lorenzRk4(p.get('dt'), p.get('sigma'), p.get('rho'), p.get('beta'));
    default:
      return name satisfies never;
  }
}

/** `step` on each of the `states.length / stateSize` states of a batch. */
export function stepBatch(step: Stepper, states: Float64Array, stateSize: number): Float64Array {
  const out = new Float64Array(states.length);
  for (let o = 0; o < states.length; o += stateSize) out.set(step(states.subarray(o, o + stateSize)), o);
  return out;
}

/** A periodic three-point stencil over every row of length n; `l`, `r` are the wrapped neighbours of `i`. */
function rowwise(
  n: number,
  point: (u: Float64Array, out: Float64Array, i: number, l: number, r: number) => void,
): Stepper {
  return (u) => {
    const out = new Float64Array(u.length);
    for (let row = 0; row < u.length; row += n) {
      for (let j = 0; j < n; j++) {
        point(u, out, row + j, row + ((j + n - 1) % n), row + ((j + 1) % n));
      }
    }
    return out;
  };
}
