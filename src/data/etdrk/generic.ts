// Exponax's generic steppers (scenarios §5): a linear symbol from a list of
// coefficients, sum_j a_j sum_d (i kappa_d)^j, and one of three nonlinear
// families, each built from the named solvers' own terms so that a generic
// stepper with a named one's coefficients is the same graph.
//
// The coefficients come in three forms. The physical form is the PDE on
// [0, L) stepped by dt. The normalised form (APEBench's) is the PDE on the
// unit domain advanced by one unit of time per step: alpha_j = a_j dt / L^j.
// The difficulty form also divides out the grid, so that one number says how
// hard a step is whatever N and D: gamma_j = alpha_j N^j 2^(j-1) D (j >= 1).
// The normalised and difficulty forms are turned into the physical
// coefficients of a unit step on the solver's domain (a_j = alpha_j L^j), so
// that `dt` then is the fraction of that step one step takes (1 by default,
// 0.5 for a coarse solver of proportion 0.5).
import { complex, type Complex } from '../../math/etdrk.js';
import { UserError } from '../../util/diagnostics.js';
import { convection } from './convection.js';
import type { Bin } from './grid.js';
import { polynomial } from './reaction.js';
import { kuramotoSivashinsky } from './solvers.js';
import type { Spectral } from './spectral.js';
import type { Solver } from './step.js';

export type Form = 'physical' | 'normalized' | 'difficulty';
export const FORMS: readonly Form[] = ['physical', 'normalized', 'difficulty'];

/** What the forms are relative to: the grid's points, axes and extent. */
export interface Scale {
  readonly dims: number;
  readonly points: number;
  readonly extent: number;
}

/** (i x)^j: i^j x^j with i^j cycling 1, i, -1, -i. */
function iPower(x: number, j: number): Complex {
  const m = x ** j;
  return [complex(m), complex(0, m), complex(-m), complex(0, -m)][j % 4]!;
}

/** L = sum_j a_j sum_d (i kappa_d)^j; the j = 0 term counts once per axis, as Exponax sums it. */
export function genericSymbol(a: readonly number[]): (b: Bin) => Complex {
  return (b) => {
    let re = 0;
    let im = 0;
    a.forEach((aj, j) => {
      if (aj === 0) return;
      for (const k of b.kappa) {
        const t = iPower(k, j);
        re += aj * t.re;
        im += aj * t.im;
      }
    });
    return complex(re, im);
  };
}

/** The factor the difficulty form multiplies the normalised coefficient of a j-th derivative by (its linear part: 2^(j-1)). */
function linearDifficulty(j: number, s: Scale): number {
  return j === 0 ? 1 : s.points ** j * 2 ** (j - 1) * s.dims;
}

/** The factor it multiplies a nonlinear term of `order` derivatives by: 1, N D, N^2 D. */
function nonlinearDifficulty(order: number, s: Scale): number {
  return order === 0 ? 1 : s.points ** order * s.dims;
}

/** Physical linear coefficients of a unit step (a_j = alpha_j L^j) from coefficients written in `form`. */
export function linearCoefficients(a: readonly number[], form: Form, s: Scale): number[] {
  if (form === 'physical') return [...a];
  return a.map((c, j) => ((form === 'difficulty' ? c / linearDifficulty(j, s) : c) * s.extent ** j));
}

/** The physical scale of a nonlinear term with `order` derivatives (b_k, the convection scale) from `form`. */
export function nonlinearCoefficient(c: number, order: number, form: Form, s: Scale): number {
  if (form === 'physical') return c;
  return (form === 'difficulty' ? c / nonlinearDifficulty(order, s) : c) * s.extent ** order;
}

/** u_t = L u: order 0, exact. */
export function genericLinear(a: readonly number[]): Solver {
  return { linear: genericSymbol(a) };
}

/**
 * N = b0 u^2 + b1 1/2 (sum_d d_d)(u^2) + b2 1/2 (|grad u|^2 - mean), one channel.
 * The b1 term is conservative convection of scale -b1 and the b2 term the
 * gradient norm of scale -b2; terms with a zero coefficient are left out.
 */
export function genericNonlinear(a: readonly number[], b: readonly number[]): Solver {
  if (b.length > 3) throw new UserError(`generic_nonlinear takes at most 3 nonlinear coefficients [b0, b1, b2], got ${b.length}`, 'b0 scales u^2, b1 the convection 1/2 (sum_d d_d)(u^2), b2 the gradient norm 1/2 |grad u|^2');
  const [b0 = 0, b1 = 0, b2 = 0] = b;
  const terms: [string, NonNullable<Solver['nonlinear']>][] = [];
  if (b0 !== 0) terms.push(['square.', polynomial([0, 0, b0])]);
  if (b1 !== 0) terms.push(['convection.', convection(-b1, true)]);
  if (b2 !== 0) terms.push(['gradient.', kuramotoSivashinsky(0, 0, -b2).nonlinear!]);
  return { linear: genericSymbol(a), ...(terms.length > 0 && { nonlinear: sumOf(terms) }) };
}

/** Convection of scale s (one channel on every axis, as the named solvers). */
export function genericConvection(a: readonly number[], scale: number, conservative: boolean): Solver {
  return { linear: genericSymbol(a), nonlinear: convection(scale, conservative) };
}

/**
 * N = sum_p c_p u^p. A constant c_0 is a spectrum of ones scaled by
 * (c_0 N^D / 2)(1 - i) at bin 0 (the mean of a field c_0 is bin 0 / N^D),
 * as Kolmogorov flow's forcing is made.
 */
export function genericPolynomial(a: readonly number[], poly: readonly number[]): Solver {
  const [c0 = 0, ...rest] = poly;
  const terms: [string, NonNullable<Solver['nonlinear']>][] = [];
  if (rest.some((c) => c !== 0)) terms.push(['poly.', polynomial([0, ...rest])]);
  if (c0 !== 0)
    terms.push([
      'const.',
      (s: Spectral, X: string) => {
        const F = c0 * s.grid.points ** s.grid.dims;
        return s.diag('c0', s.constant('ones', X, 1), (b) => (b.k.every((k) => k === 0) ? complex(F / 2, -F / 2) : complex(0)));
      },
    ]);
  return { linear: genericSymbol(a), ...(terms.length > 0 && { nonlinear: sumOf(terms) }) };
}

/** The sum of nonlinear terms, each named under its own prefix when there are several. */
function sumOf(terms: readonly [string, NonNullable<Solver['nonlinear']>][]): NonNullable<Solver['nonlinear']> {
  if (terms.length === 1) return terms[0]![1];
  return (s, X) => s.sum('N', terms.map(([prefix, term]) => term(s.scope(prefix), X)));
}

export type GenericName = 'generic_linear' | 'generic_nonlinear' | 'generic_convection' | 'generic_polynomial';

/** A generic stepper's parameters as the catalogue reads them. */
export interface GenericParams {
  num(key: string): number;
  flag(key: string): boolean;
  list(key: string): number[];
  word<W extends string>(key: string, choices: readonly W[]): W;
}

/** The solver of a generic stepper, its coefficients turned into the physical ones of `grid`. */
export function genericSolver(name: GenericName, p: GenericParams, grid: Scale): Solver {
  const form = p.word('form', FORMS);
  const a = linearCoefficients(p.list('a'), form, grid);
  switch (name) {
    case 'generic_linear':
      return genericLinear(a);
    case 'generic_nonlinear':
      return genericNonlinear(a, p.list('b').map((c, k) => nonlinearCoefficient(c, k, form, grid)));
    case 'generic_convection':
      // Exponax's default in N-D is one channel per axis, a velocity field; not here yet.
      if (grid.dims > 1 && !p.flag('single_channel'))
        throw new UserError('generic_convection in more than one dimension needs single_channel true for now', 'write single_channel true: one channel convected along every axis');
      return genericConvection(a, nonlinearCoefficient(p.num('scale'), 1, form, grid), p.flag('conservative'));
    case 'generic_polynomial':
      return genericPolynomial(a, p.list('poly'));
    default:
      return name satisfies never;
  }
}
