// The named spectral solvers with their defaults (scenarios §4; extent and dt
// are txc's, as Exponax has none), and the one graph of a step that data
// generation, references and coarse solvers all evaluate.
import type { Graph } from '../../ir/graph.js';
import { GraphBuilder } from '../../ir/graph.js';
import { DEFAULT_CONTOUR, type Contour } from '../../math/etdrk.js';
import { verify } from '../../ops/verify.js';
import { UserError } from '../../util/diagnostics.js';
import { fieldShape } from '../grid.js';
import { genericSolver, type GenericName } from './generic.js';
import type { Grid } from './grid.js';
import { burgers, kortewegDeVries, ksConservative } from './convection.js';
import { GRAY_SCOTT_CHANNELS, grayScott } from './gray-scott.js';
import { fisherKpp, swiftHohenberg } from './reaction.js';
import { advection, advectionDiffusion, diffusion, dispersion, hyperDiffusion, kuramotoSivashinsky } from './solvers.js';
import { kolmogorov, navierStokes } from './vorticity.js';
import type { Order, Solver, StepOptions } from './step.js';
import { etdrkStep } from './step.js';

type Value = number | boolean | string | readonly number[];
type Params = Readonly<Record<string, Value>>;

interface Entry {
  readonly order: Order;
  readonly extent: number;
  readonly dt: number;
  /** Defaults other than substeps 1 and dealiasing 2/3 (Exponax's suggested values). */
  readonly substeps?: number;
  readonly dealias?: number;
  /** The state's channels, when not 1. */
  readonly channels?: number;
  readonly params: Params;
  make(p: Accessor, dims: number, grid: Grid): Solver;
}

const SOLVERS = {
  advection: { order: 0, extent: 1, dt: 0.1, params: { velocity: 1 }, make: (p, dims) => advection(p.perAxis('velocity', dims)) },
  diffusion: { order: 0, extent: 1, dt: 0.1, params: { nu: 0.01 }, make: (p, dims) => diffusion(p.perAxis('nu', dims)) },
  advection_diffusion: {
    order: 0,
    extent: 1,
    dt: 0.1,
    params: { velocity: 1, nu: 0.01 },
    make: (p, dims) => advectionDiffusion(p.perAxis('velocity', dims), p.num('nu')),
  },
  dispersion: { order: 0, extent: 1, dt: 0.1, params: { dispersivity: 1 }, make: (p, dims) => dispersion(p.perAxis('dispersivity', dims)) },
  hyper_diffusion: { order: 0, extent: 1, dt: 0.1, params: { zeta: 1e-4 }, make: (p) => hyperDiffusion(p.num('zeta')) },
  burgers: {
    order: 2,
    extent: 1,
    dt: 0.1,
    params: { nu: 0.1, convection: 1, conservative: false, single_channel: false },
    make: (p, dims) => {
      // Exponax's default in N-D is one channel per axis, a velocity field; not here yet.
      if (dims > 1 && !p.flag('single_channel')) throw new UserError('burgers in more than one dimension needs single_channel true for now');
      return burgers(p.num('nu'), p.num('convection'), p.flag('conservative'));
    },
  },
  kdv: {
    order: 2,
    extent: 20,
    dt: 0.01,
    // One channel on every axis (Exponax's single_channel form) in N-D too.
    params: { convection: -6, nu: 0, dispersivity: 1, zeta: 0.01, conservative: false },
    make: (p) => kortewegDeVries(p.num('nu'), p.num('dispersivity'), p.num('zeta'), p.num('convection'), p.flag('conservative')),
  },
  ks: {
    order: 2,
    extent: 60,
    dt: 0.1,
    params: { gradient_norm: 1, second_order: 1, fourth_order: 1 },
    make: (p) => kuramotoSivashinsky(p.num('second_order'), p.num('fourth_order'), p.num('gradient_norm')),
  },
  ks_conservative: {
    order: 2,
    extent: 60,
    dt: 0.1,
    params: { convection: 1, second_order: 1, fourth_order: 1 },
    make: (p) => ksConservative(p.num('second_order'), p.num('fourth_order'), p.num('convection')),
  },
  fisher_kpp: { order: 2, extent: 1, dt: 0.001, params: { nu: 0.01, reactivity: 1 }, make: (p) => fisherKpp(p.num('nu'), p.num('reactivity')) },
  swift_hohenberg: {
    order: 2,
    extent: 10 * Math.PI,
    dt: 0.1,
    substeps: 5,
    dealias: 1 / 2,
    params: { reactivity: 0.7, critical: 1 },
    make: (p) => swiftHohenberg(p.num('reactivity'), p.num('critical')),
  },
  gray_scott: {
    order: 2,
    extent: 1,
    dt: 10,
    substeps: 10,
    dealias: 1 / 2,
    channels: GRAY_SCOTT_CHANNELS,
    params: { nu1: 2e-5, nu2: 1e-5, feed: 0.04, kill: 0.06 },
    make: (p) => grayScott(p.num('nu1'), p.num('nu2'), p.num('feed'), p.num('kill')),
  },
  navier_stokes: {
    order: 2,
    extent: 1,
    dt: 0.01,
    params: { nu: 0.01, convection: 1, drag: 0 },
    make: (p, dims) => navierStokes(dims, p.num('nu'), p.num('convection'), p.num('drag')),
  },
  kolmogorov: {
    order: 2,
    extent: 2 * Math.PI,
    dt: 0.1,
    substeps: 20,
    params: { nu: 1e-3, convection: 1, drag: -0.1, injection_mode: 4, injection_scale: 1 },
    make: (p, dims) => kolmogorov(dims, p.num('nu'), p.num('convection'), p.num('drag'), p.num('injection_mode'), p.num('injection_scale')),
  },
  // Extent 1 and dt 1: the normalised and difficulty forms' unit step.
  generic_linear: { order: 0, extent: 1, dt: 1, params: { a: [0, 0, 0.01], form: 'physical' }, make: generic('generic_linear') },
  generic_nonlinear: { order: 2, extent: 1, dt: 1, params: { a: [0, 0, 0.01], form: 'physical', b: [0, -1, 0] }, make: generic('generic_nonlinear') },
  generic_convection: {
    order: 2,
    extent: 1,
    dt: 1,
    params: { a: [0, 0, 0.01], form: 'physical', scale: 1, conservative: false, single_channel: false },
    make: generic('generic_convection'),
  },
  generic_polynomial: { order: 2, extent: 1, dt: 1, params: { a: [0, 0, 0.01], form: 'physical', poly: [0, 1, 0, -1] }, make: generic('generic_polynomial') },
} satisfies Record<string, Entry>;

export type SolverName = keyof typeof SOLVERS;

/** A solver as a spec names it: every field but the name optional. */
export interface SolverSpec {
  readonly name: SolverName;
  readonly dims?: number;
  readonly points?: number;
  readonly extent?: number;
  readonly dt?: number;
  readonly substeps?: number;
  readonly order?: Order;
  readonly dealias?: number;
  readonly postDealias?: boolean;
  readonly contour?: Contour;
  readonly params?: Params;
}

/** The solver and its step's options, defaults filled in (scenarios §4: points 160, dims 1, substeps 1, dealias 2/3, post-dealiasing on). */
export function resolve(spec: SolverSpec): { solver: Solver; options: StepOptions } {
  const entry: Entry = SOLVERS[spec.name];
  const dims = spec.dims ?? 1;
  const params = { ...entry.params, ...spec.params };
  for (const key of Object.keys(spec.params ?? {}))
    if (!(key in entry.params)) throw new UserError(`${spec.name} has no parameter '${key}'; it has ${Object.keys(entry.params).join(', ')}`);
  const options: StepOptions = {
    grid: { dims, points: spec.points ?? 160, extent: spec.extent ?? entry.extent },
    dt: spec.dt ?? entry.dt,
    substeps: spec.substeps ?? entry.substeps ?? 1,
    order: spec.order ?? entry.order,
    dealias: spec.dealias ?? entry.dealias ?? 2 / 3,
    postDealias: spec.postDealias ?? true,
    contour: spec.contour ?? DEFAULT_CONTOUR,
  };
  return { solver: entry.make(new Accessor(spec.name, params), dims, options.grid), options };
}

/** The channels of a solver's states (1 but for Gray–Scott's 2). */
export function solverChannels(name: SolverName): number {
  const entry: Entry = SOLVERS[name];
  return entry.channels ?? 1;
}

/** One step as a graph: input `u` [B, C, N, …, N] to output `step`, verified. */
export function stepGraph(spec: SolverSpec): Graph {
  const { solver, options } = resolve(spec);
  const b = new GraphBuilder(`${spec.name} step`);
  const { dims, points } = options.grid;
  const u = b.add('u', 'input', [], ['B', ...fieldShape(solverChannels(spec.name), points, dims)]);
  return verify(b.build([etdrkStep(b, solver, options, u)]));
}

function generic(name: GenericName): Entry['make'] {
  return (p, dims, grid) => genericSolver(name, p, grid);
}

/** A solver's parameters, read as the kind each one is. */
class Accessor {
  constructor(
    private readonly name: string,
    private readonly values: Params,
  ) {}

  num(key: string): number {
    const v = this.values[key];
    if (typeof v !== 'number') throw new UserError(`${this.name}: ${key} must be a number`);
    return v;
  }

  flag(key: string): boolean {
    const v = this.values[key];
    if (typeof v !== 'boolean') throw new UserError(`${this.name}: ${key} must be true or false`);
    return v;
  }

  /** A list of coefficients (a generic stepper's). */
  list(key: string): number[] {
    const v = this.values[key];
    if (!Array.isArray(v)) throw new UserError(`${this.name}: ${key} must be a list of numbers`);
    return [...(v as number[])];
  }

  word<W extends string>(key: string, choices: readonly W[]): W {
    const v = this.values[key];
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) throw new UserError(`${this.name}: ${key} must be one of ${choices.join(', ')}`);
    return v as W;
  }

  /** One number for every axis, or one per axis. */
  perAxis(key: string, dims: number): number[] {
    const v = this.values[key];
    if (typeof v === 'number') return Array<number>(dims).fill(v);
    if (Array.isArray(v) && v.length === dims) return [...(v as number[])];
    throw new UserError(`${this.name}: ${key} takes one number or ${dims}, one per axis`);
  }
}
