// One step of an ETDRK solver as IR: u' = irfft(S^s(rfft(u))), S the scheme
// of the solver's order applied `substeps` times with h = dt / substeps in
// Fourier space (no projection onto real fields between substeps, as
// Exponax's RepeatedStepper). For u_t = L u + N(u), L diagonal with symbol
// L(kappa), per bin, with z = L h, E = e^z, E2 = e^{z/2} and the contour
// means of math/etdrk.ts (Cox–Matthews ETD1–ETD4RK):
//   0: X' = E X                                  (N dropped: exact for linear PDEs)
//   1: X' = E X + h g1 N(X)
//   2: a = E X + h g1 N(X);  X' = a + h g2 (N(a) - N(X))
//   3: a = E2 X + h g1h N(X);  b = E X + h g1 (2 N(a) - N(X));
//      X' = E X + h [ga N(X) + 4 gb N(a) + gc N(b)]
//   4: a = E2 X + h g1h N(X);  b = E2 X + h g1h N(a);  c = E2 a + h g1h (2 N(b) - N(X));
//      X' = E X + h [ga N(X) + 2 gb (N(a) + N(b)) + gc N(c)]
// Every product is a spectral_scale by a table computed here once, in float64.
import type { GraphBuilder } from '../../ir/graph.js';
import type { Complex, Contour, Phi } from '../../math/etdrk.js';
import { cexp, contourMean, times } from '../../math/etdrk.js';
import type { Bin, Grid } from './grid.js';
import { UserError } from '../../util/diagnostics.js';
import { bins, channelTable, dealiased } from './grid.js';
import { Spectral } from './spectral.js';
import { symbolProblem, tableProblem } from './precision.js';

export type Order = 0 | 1 | 2 | 3 | 4;

/** A PDE u_t = L u + N(u): its linear symbol per bin (and channel) and its nonlinear term as IR on spectra. */
export interface Solver {
  /** The state's channels when L differs between them (Gray–Scott's two diffusivities); absent, one symbol for every channel. */
  readonly channels?: number;
  linear(b: Bin, channel: number): Complex;
  /** N(X) for a spectrum X; absent for a linear PDE. */
  nonlinear?(s: Spectral, X: string): string;
}

export interface StepOptions {
  readonly grid: Grid;
  readonly dt: number;
  readonly substeps: number;
  readonly order: Order;
  /** The dealiasing fraction (2/3 by default; 1/2 for some steppers). */
  readonly dealias: number;
  readonly postDealias: boolean;
  readonly contour: Contour;
}

/** The state after one step of `u` ([B, C, N, …, N], real), built into `b` under `prefix`. */
export function etdrkStep(b: GraphBuilder, solver: Solver, o: StepOptions, u: string, prefix = ''): string {
  const s = new Spectral(b, o.grid, { keep: dealiased(o.grid, o.dealias), post: o.postDealias }, prefix);
  const order = solver.nonlinear ? o.order : 0;
  const c = coefficients(solver, o, order);
  const N = (scope: Spectral, X: string) => solver.nonlinear!(scope, X);
  let X = s.toSpectrum('X', u);
  for (let k = 0; k < o.substeps; k++) X = scheme(o.substeps > 1 ? s.scope(`s${k}.`) : s, c, order, X, N);
  return s.toField('step', X);
}

type Tables = Readonly<Record<'E' | 'E2' | 'c1' | 'c1h' | 'c1h2' | 'c1x2' | 'c2' | 'ca' | 'cb2' | 'cb4' | 'cc' | 'neg_c1' | 'neg_c1h', number[]>>;

/** The tables an order needs, each a finite f32 (else a UserError). */
export function coefficients(solver: Solver, o: StepOptions, order: Order): Partial<Tables> {
  const tables = contourTables(solver, o, order);
  for (const [name, t] of Object.entries(tables)) {
    const problem = tableProblem(name, t);
    if (problem) throw new UserError(problem.message, problem.hint);
  }
  return tables;
}

/** h times the contour means (and the small multiples the schemes take of them). */
function contourTables(solver: Solver, o: StepOptions, order: Order): Partial<Tables> {
  const h = o.dt / o.substeps;
  const channels = solver.channels ?? 1;
  const z = (b: Bin, c: number) => times(solver.linear(b, c), h);
  // The GPU computes in f32: e^z of a growing mode and every coefficient must stay within it.
  const symbol = symbolProblem(bins(o.grid).flatMap((b) => Array.from({ length: channels }, (_, c) => z(b, c))), o.contour);
  if (symbol) throw new UserError(symbol.message, symbol.hint);
  const of = (f: (z: Complex) => Complex) => channelTable(o.grid, channels, (b, c) => f(z(b, c)));
  const mean = (g: Phi, c: number) => of((w) => times(contourMean(g, w, o.contour), h * c));
  const E = of(cexp);
  switch (order) {
    case 0:
      return { E };
    case 1:
      return { E, c1: mean('g1', 1) };
    case 2:
      return { E, c1: mean('g1', 1), c2: mean('g2', 1) };
    case 3:
      return { E, E2: of((w) => cexp(times(w, 0.5))), c1h: mean('g1h', 1), c1x2: mean('g1', 2), neg_c1: mean('g1', -1), ca: mean('ga', 1), cb4: mean('gb', 4), cc: mean('gc', 1) };
    case 4:
      return { E, E2: of((w) => cexp(times(w, 0.5))), c1h: mean('g1h', 1), c1h2: mean('g1h', 2), neg_c1h: mean('g1h', -1), ca: mean('ga', 1), cb2: mean('gb', 2), cc: mean('gc', 1) };
    default:
      return order satisfies never;
  }
}

/** One application of the scheme to the spectrum X. */
function scheme(s: Spectral, t: Partial<Tables>, order: Order, X: string, N: (s: Spectral, X: string) => string): string {
  const at = (name: keyof Tables) => t[name]!;
  /** sum_k table_k * value_k */
  const lin = (name: string, terms: readonly [keyof Tables, string][]) => s.sum(name, terms.map(([c, x], k) => s.scaleBy(`${name}.t${k}`, x, at(c))));
  if (order === 0) return s.scaleBy('EX', X, at('E'));
  const N0 = N(s.scope('N0.'), X);
  switch (order) {
    case 1:
      return lin('next', [['E', X], ['c1', N0]]);
    case 2: {
      const a = lin('a', [['E', X], ['c1', N0]]);
      const Na = N(s.scope('Na.'), a);
      return s.ew('next', 'add', a, s.scaleBy('corr', s.ew('dN', 'sub', Na, N0), at('c2')));
    }
    case 3: {
      const EX = s.scaleBy('EX', X, at('E'));
      const a = lin('a', [['E2', X], ['c1h', N0]]);
      const Na = N(s.scope('Na.'), a);
      const b = s.sum('b', [EX, s.scaleBy('b.t0', Na, at('c1x2')), s.scaleBy('b.t1', N0, at('neg_c1'))]);
      const Nb = N(s.scope('Nb.'), b);
      return s.sum('next', [EX, s.scaleBy('next.t0', N0, at('ca')), s.scaleBy('next.t1', Na, at('cb4')), s.scaleBy('next.t2', Nb, at('cc'))]);
    }
    case 4: {
      const E2X = s.scaleBy('E2X', X, at('E2'));
      const a = s.ew('a', 'add', E2X, s.scaleBy('a.t0', N0, at('c1h')));
      const Na = N(s.scope('Na.'), a);
      const b = s.ew('b', 'add', E2X, s.scaleBy('b.t0', Na, at('c1h')));
      const Nb = N(s.scope('Nb.'), b);
      const c = lin('c', [['E2', a], ['c1h2', Nb], ['neg_c1h', N0]]);
      const Nc = N(s.scope('Nc.'), c);
      const Nab = s.ew('Nab', 'add', Na, Nb);
      return lin('next', [['E', X], ['ca', N0], ['cb2', Nab], ['cc', Nc]]);
    }
    default:
      return order satisfies never;
  }
}
