// Defaults of the built-in systems, in one table the parser validates names
// against and the steppers and generators fill gaps from. Only numeric
// parameters live here; the `method` word has its own list.
import type { GeneratorName } from '../dsl/ast.js';
import { UserError } from '../dsl/diagnostics.js';

/** Discretisations of each system; the first is the default and the one generators use. */
export const STEPPER_METHODS: Record<GeneratorName, readonly [string, ...string[]]> = {
  advection1d: ['spectral', 'upwind'],
  diffusion1d: ['spectral', 'ftcs'],
  burgers1d: ['central'],
  lorenz63: ['rk4'],
};

/** Physical and numerical parameters of a stepper (reference, residuum, coarse solver). */
export const STEPPER_PARAMS: Record<GeneratorName, Readonly<Record<string, number>>> = {
  // Trainax's advection_1d_periodic default (its README quickstart uses -0.75).
  advection1d: { cfl: 0.75 },
  // gamma = nu dt / dx^2; FTCS is stable for gamma <= 1/2.
  diffusion1d: { gamma: 0.1 },
  // On 64 points (dx = 2 pi / 64) these keep the cell Peclet number |u| dx / nu
  // small enough that central differences stay smooth for amplitude-1 modes.
  burgers1d: { nu: 0.05, dt: 0.01, substeps: 1 },
  // Trainax's make_lorenz_stepper_rk4 defaults (Lorenz 1963).
  lorenz63: { dt: 0.01, sigma: 10, rho: 28, beta: 8 / 3 },
};

/** Stepper parameters plus what only the data generator needs (initial states, warm-up). */
export const GENERATOR_PARAMS: Record<GeneratorName, Readonly<Record<string, number>>> = {
  advection1d: { ...STEPPER_PARAMS.advection1d, modes: 5 },
  diffusion1d: { ...STEPPER_PARAMS.diffusion1d, modes: 5 },
  burgers1d: { ...STEPPER_PARAMS.burgers1d, modes: 3 },
  // Trainax's lorenz_rk4: x0 ~ N(0, init_std^2) per component, then `warmup`
  // RK4 steps are discarded so trajectories start on the attractor.
  lorenz63: { ...STEPPER_PARAMS.lorenz63, warmup: 500, init_std: 1 },
};

/** Parameters that must be integers, with their least value. */
const INTEGER_PARAMS: Readonly<Record<string, number>> = { modes: 1, substeps: 1, warmup: 0 };

/** Why a parameter value is unusable, or undefined when it is fine. */
export function paramProblem(key: string, value: number): string | undefined {
  if (!Number.isFinite(value)) return `${key} must be a finite number, got ${value}`;
  const least = INTEGER_PARAMS[key];
  if (least !== undefined && (!Number.isInteger(value) || value < least)) {
    return `${key} must be an integer >= ${least}, got ${value}`;
  }
  if ((key === 'dt' || key === 'init_std') && value <= 0) return `${key} must be positive, got ${value}`;
  if ((key === 'nu' || key === 'gamma') && value < 0) return `${key} must be >= 0, got ${value}`;
  return undefined;
}

/**
 * `params` over `table[name]`'s defaults; unknown names and bad values throw.
 * The parser reports these at their spans first, so reaching a throw here means
 * a caller built an AST by hand.
 */
export function withDefaults(
  table: Record<GeneratorName, Readonly<Record<string, number>>>,
  name: GeneratorName,
  params: Readonly<Record<string, number>>,
): Record<string, number> {
  const defaults = table[name];
  const out: Record<string, number> = { ...defaults };
  for (const [key, value] of Object.entries(params)) {
    if (!(key in defaults)) {
      throw new UserError(`${name} has no parameter '${key}'; it takes ${Object.keys(defaults).join(', ')}`);
    }
    const problem = paramProblem(key, value);
    if (problem) throw new UserError(`${name}: ${problem}`);
    out[key] = value;
  }
  return out;
}
