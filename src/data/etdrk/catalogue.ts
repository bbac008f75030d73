// The named spectral solvers with their defaults (scenarios §4; extent and dt
// are txc's, as Exponax has none), and the one graph of a step that data
// generation, references and coarse solvers all evaluate.
import type { Graph } from '../../ir/graph.js';
import { GraphBuilder } from '../../ir/graph.js';
import { DEFAULT_CONTOUR, type Contour } from '../../math/etdrk.js';
import { verify } from '../../ops/verify.js';
import { UserError } from '../../util/diagnostics.js';
import { fieldShape } from '../grid.js';
import { advection, burgers, diffusion, kuramotoSivashinsky } from './solvers.js';
import type { Order, Solver, StepOptions } from './step.js';
import { etdrkStep } from './step.js';

type Value = number | boolean | readonly number[];
type Params = Readonly<Record<string, Value>>;

interface Entry {
  readonly order: Order;
  readonly extent: number;
  readonly dt: number;
  readonly params: Params;
  make(p: Accessor, dims: number): Solver;
}

const SOLVERS = {
  advection: { order: 0, extent: 1, dt: 0.1, params: { velocity: 1 }, make: (p, dims) => advection(p.perAxis('velocity', dims)) },
  diffusion: { order: 0, extent: 1, dt: 0.1, params: { nu: 0.01 }, make: (p, dims) => diffusion(p.perAxis('nu', dims)) },
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
  ks: {
    order: 2,
    extent: 60,
    dt: 0.1,
    params: { gradient_norm: 1, second_order: 1, fourth_order: 1 },
    make: (p) => kuramotoSivashinsky(p.num('second_order'), p.num('fourth_order'), p.num('gradient_norm')),
  },
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
    substeps: spec.substeps ?? 1,
    order: spec.order ?? entry.order,
    dealias: spec.dealias ?? 2 / 3,
    postDealias: spec.postDealias ?? true,
    contour: spec.contour ?? DEFAULT_CONTOUR,
  };
  return { solver: entry.make(new Accessor(spec.name, params), dims), options };
}

/** One step as a graph: input `u` [B, 1, N, …, N] to output `step`, verified. */
export function stepGraph(spec: SolverSpec): Graph {
  const { solver, options } = resolve(spec);
  const b = new GraphBuilder(`${spec.name} step`);
  const { dims, points } = options.grid;
  const u = b.add('u', 'input', [], ['B', ...fieldShape(1, points, dims)]);
  return verify(b.build([etdrkStep(b, solver, options, u)]));
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

  /** One number for every axis, or one per axis. */
  perAxis(key: string, dims: number): number[] {
    const v = this.values[key];
    if (typeof v === 'number') return Array<number>(dims).fill(v);
    if (Array.isArray(v) && v.length === dims) return [...(v as number[])];
    throw new UserError(`${this.name}: ${key} takes one number or ${dims}, one per axis`);
  }
}
