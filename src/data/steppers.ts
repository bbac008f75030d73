// The built-in reference steppers in float64: the semantics that the compiled
// steppers (written as shifts, products, sums and convolutions) are tested
// against, and what the data generators run. Each formula is in the doc comment
// exactly as computed.
//
// A PDE state is `[channels, N, …, N]` row-major with D = 1..3 periodic
// spatial axes, on the grid x_j = 2 pi j / N of each, so dx = 2 pi / N.
// `u[i+1_j]` below means the neighbour along axis j, wrapped
// (np.roll(u, -1, j)); sums over j run over the axes in order, as
// shared/reference/finite-differences.md defines the unsplit N-D schemes. A
// Lorenz state is `[3]` = (x, y, z). The pseudo-spectral steppers (`ks`,
// the `etdrk` methods, exact spectral steps in 2-D and 3-D) are not written
// twice: their step is an IR graph (data/etdrk/), interpreted here.
import { isSpectralSystem } from '../dsl/schema.js';
import type { GeneratorName, ParamValue } from '../dsl/ast.js';
import { STATE_CHANNELS } from '../dsl/schema.js';
import type { Padding } from '../ir/op-attrs.js';
import { UserError } from '../util/diagnostics.js';
import { builtinSolver, etdrkOrder, etdrkStepper, exactAdvection, exactDiffusion } from './etdrk/builtin.js';
import { solverChannels } from './etdrk/catalogue.js';
import type { SolverSpec } from './etdrk/catalogue.js';
import { fieldShape, neighbours } from './grid.js';
import { STEPPER_METHODS, STEPPER_PARAMS, SystemParams } from './params.js';
import { cis, correlateCircular, spectralKernel, type Symbol } from './spectral.js';

/** One time step of one state; returns a new array. */
export type Stepper = (u: Float64Array) => Float64Array;

/** The shape of one state: `[C, points, …]` with `dims` spatial axes for the PDEs (C = 1 but for Gray–Scott's 2), `[3]` for Lorenz-63. */
export function stateShape(name: GeneratorName, points: number, dims = 1): number[] {
  if (name === 'lorenz63') return [STATE_CHANNELS.lorenz63!];
  return fieldShape(isSpectralSystem(name) ? solverChannels(name) : 1, points, dims);
}

/**
 * Exact advection of a band-limited state: the mode of wavevector k times
 * `exp(-i sum_j 2 pi k_j cfl_j / N)`, i.e. a shift by `cfl_j` cells along
 * axis j (towards higher indices for cfl_j > 0). `cfl` has one number per
 * axis; a single number is the same on every axis.
 */
export function advectionSpectral(n: number, cfl: number | readonly number[], dims = 1): Stepper {
  // N-D: the ETDRK0 step graph that the compiled reference inlines too.
  return dims > 1 ? etdrkStepper(exactAdvection(n, perAxis(cfl, dims))) : spectral(n, advectionSymbol(n, perAxis(cfl, dims)));
}

/** The circular kernel of 1-D `advectionSpectral`, shared with the compiled stepper. */
export function advectionKernel(n: number, cfl: number): Float64Array {
  return spectralKernel(n, (k) => advectionSymbol(n, [cfl])([k]));
}

function advectionSymbol(n: number, cfl: readonly number[]): Symbol {
  return (k) => cis(k.map((kj, j) => (-2 * Math.PI * kj * cfl[j]!) / n).reduce((a, b) => a + b));
}

/**
 * First-order upwind, unsplit: `u[i] - sum_j F_j` with, for cfl_j >= 0,
 * `F_j = cfl_j (u[i] - u[i-1_j])` and for cfl_j < 0
 * `F_j = cfl_j (u[i+1_j] - u[i])` (in 1-D the SAME-padded kernel-2 stencil
 * `[1+cfl, -cfl]`).
 */
export function advectionUpwind(n: number, cfl: number | readonly number[], dims = 1, padding: Padding = 'circular'): Stepper {
  const c = perAxis(cfl, dims);
  return stencil(n, dims, padding, (u, i, l, r) => {
    let out = u[i]!;
    for (let j = 0; j < l.length; j++) out = c[j]! >= 0 ? out - c[j]! * (u[i]! - u[l[j]![i]!]!) : out - c[j]! * (u[r[j]![i]!]! - u[i]!);
    return out;
  });
}

function perAxis(cfl: number | readonly number[], dims: number): readonly number[] {
  return typeof cfl === 'number' ? Array<number>(dims).fill(cfl) : cfl;
}

/** Exact diffusion with gamma = nu dt / dx^2: the mode of wavevector k times `exp(-gamma sum_j (2 pi k_j / N)^2)`. */
export function diffusionSpectral(n: number, gamma: number, dims = 1): Stepper {
  return dims > 1 ? etdrkStepper(exactDiffusion(n, gamma, dims)) : spectral(n, diffusionSymbol(n, gamma));
}

/** The circular kernel of 1-D `diffusionSpectral`, shared with the compiled stepper. */
export function diffusionKernel(n: number, gamma: number): Float64Array {
  return spectralKernel(n, (k) => diffusionSymbol(n, gamma)([k]));
}

function diffusionSymbol(n: number, gamma: number): Symbol {
  return (k) => ({ re: Math.exp(-gamma * k.map((kj) => ((2 * Math.PI * kj) / n) ** 2).reduce((a, b) => a + b)), im: 0 });
}

/** 1-D through the shared circular kernel (bit for bit what the data always were). */
function spectral(n: number, symbol: Symbol): Stepper {
  const h = spectralKernel(n, (k) => symbol([k]));
  return (u) => correlateCircular(u, h);
}

/** Forward time, centred space: `u[i] + gamma sum_j (u[i+1_j] - 2 u[i] + u[i-1_j])`. */
export function diffusionFtcs(n: number, gamma: number, dims = 1, padding: Padding = 'circular'): Stepper {
  return stencil(n, dims, padding, (u, i, l, r) => u[i]! + gamma * laplacian(u, i, l, r));
}

/** sum_j (u[i+1_j] - 2 u[i] + u[i-1_j]) */
function laplacian(u: Float64Array, i: number, l: readonly Int32Array[], r: readonly Int32Array[]): number {
  let sum = u[r[0]![i]!]! - 2 * u[i]! + u[l[0]![i]!]!;
  for (let j = 1; j < l.length; j++) sum += u[r[j]![i]!]! - 2 * u[i]! + u[l[j]![i]!]!;
  return sum;
}

/**
 * Viscous Burgers `u_t + 1/2 sum_j d_j(u^2) = nu Laplace(u)` on [0, 2 pi)^D
 * (Exponax's single-channel form), conservative central differences in space
 * and Heun's method (explicit trapezoid, 2nd order) in time, `substeps`
 * sub-steps of h = dt / substeps per call:
 *
 *   F(u)[i] = -(sum_j u[i+1_j]^2 - u[i-1_j]^2) / (4 dx) + nu sum_j (u[i+1_j] - 2 u[i] + u[i-1_j]) / dx^2
 *   v  = u + h F(u)
 *   u' = u + (h / 2) (F(u) + F(v))
 *
 * Heun rather than forward Euler: Euler is unconditionally unstable for central
 * advection once the viscosity is small; Heun is stable for small h and is
 * still only shifts, products and sums. The flux form keeps sum(u) constant.
 */
export function burgersCentral(n: number, nu: number, dt: number, substeps: number, dims = 1, padding: Padding = 'circular'): Stepper {
  const dx = (2 * Math.PI) / n;
  const h = dt / substeps;
  const rhs = stencil(n, dims, padding, (u, i, l, r) => {
    let flux = u[r[0]![i]!]! * u[r[0]![i]!]! - u[l[0]![i]!]! * u[l[0]![i]!]!;
    for (let j = 1; j < l.length; j++) flux += u[r[j]![i]!]! * u[r[j]![i]!]! - u[l[j]![i]!]! * u[l[j]![i]!]!;
    return -flux / (4 * dx) + (nu * laplacian(u, i, l, r)) / (dx * dx);
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
  params: Readonly<Record<string, ParamValue>>,
  points: number,
  dims = 1,
  padding: Padding = 'circular',
): Stepper {
  if (!STEPPER_METHODS[name].includes(method)) {
    throw new UserError(`${name} has no method '${method}'; it has ${STEPPER_METHODS[name].join(', ')}`);
  }
  const p = SystemParams.of(STEPPER_PARAMS, name, params);
  const order = etdrkOrder(method);
  if (order !== undefined) return etdrkStepper(builtinSolver(name, order, p, points, dims));
  if (isSpectralSystem(name)) throw new Error(`internal: ${name} steps by ETDRK only`);
  switch (name) {
    case 'advection':
      return method === 'upwind' ? advectionUpwind(points, p.perAxis('cfl', dims), dims, padding) : advectionSpectral(points, p.perAxis('cfl', dims), dims);
    case 'diffusion':
      return method === 'ftcs' ? diffusionFtcs(points, p.get('gamma'), dims, padding) : diffusionSpectral(points, p.get('gamma'), dims);
    case 'burgers':
      return burgersCentral(points, p.get('nu'), p.get('dt'), p.get('substeps'), dims, padding);
    case 'lorenz63':
      return lorenzRk4(p.get('dt'), p.get('sigma'), p.get('rho'), p.get('beta'));
    default:
      return name satisfies never;
  }
}

/**
 * The step graph's solver of a built-in stepper whose step is one (the ETDRK
 * methods and the exact spectral steps), for running it elsewhere than in
 * the interpreter (on the GPU); undefined for the finite-difference and ODE
 * steppers. The 1-D spectral steps are kernels here (bit for bit what the data
 * always were) but the same factors per mode as these ETDRK0 graphs.
 */
export function builtinStepSolver(name: GeneratorName, method: string, params: Readonly<Record<string, ParamValue>>, points: number, dims = 1): SolverSpec | undefined {
  const p = SystemParams.of(STEPPER_PARAMS, name, params);
  const order = etdrkOrder(method);
  if (order !== undefined) return builtinSolver(name, order, p, points, dims);
  if (name === 'advection' && method === 'spectral') return exactAdvection(points, p.perAxis('cfl', dims));
  if (name === 'diffusion' && method === 'spectral') return exactDiffusion(points, p.get('gamma'), dims);
  return undefined;
}

/** `step` on each of the `states.length / stateSize` states of a batch. */
export function stepBatch(step: Stepper, states: Float64Array, stateSize: number): Float64Array {
  const out = new Float64Array(states.length);
  for (let o = 0; o < states.length; o += stateSize) out.set(step(states.subarray(o, o + stateSize)), o);
  return out;
}

/**
 * A stencil over every point of a state [channels, n, …, n] with `dims`
 * spatial axes; `l[j][i]`, `r[j][i]` are the neighbours of point i along axis
 * j (tables made once per stepper): wrapped, or with zero padding a 0 kept
 * one past the state's end.
 */
function stencil(
  n: number,
  dims: number,
  padding: Padding,
  point: (u: Float64Array, i: number, l: readonly Int32Array[], r: readonly Int32Array[]) => number,
): Stepper {
  let tables: { size: number; left: Int32Array[]; right: Int32Array[] } | undefined;
  return (state) => {
    const size = state.length;
    if (tables?.size !== size) tables = { size, ...neighbours(size, n, dims, padding === 'zero') };
    const { left, right } = tables;
    const u = new Float64Array(size + 1);
    u.set(state);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = point(u, i, left, right);
    return out;
  };
}
