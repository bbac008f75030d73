// Built-in solvers and user expressions as primitives. Each expansion follows
// the float64 stepper of the same name in src/data/steppers.ts formula for
// formula; a test runs both and compares. In `shift(u, k)[i] = u[i-k]`, so
// u[i+1] is shift(u, -1) and u[i-1] is shift(u, 1). A field [B, C, ...space]
// is stepped along each of its spatial axes (`Axis`), unsplit, with the
// per-axis values named with the axis (`diff1`) when there is more than one.
// The pseudo-spectral solvers are built from the data generator's own step
// graph (data/etdrk/), so there is nothing to keep equal.
import { isSpectralSystem } from '../../dsl/schema.js';
import type * as A from '../../dsl/ast.js';
import { STEPPER_PARAMS, SystemParams } from '../../data/params.js';
import { builtinSolver, etdrkOrder, exactAdvection, exactDiffusion } from '../../data/etdrk/builtin.js';
import { resolve, type SolverSpec } from '../../data/etdrk/catalogue.js';
import { etdrkStep } from '../../data/etdrk/step.js';
import { advectionKernel, diffusionKernel } from '../../data/steppers.js';
import { BUILTIN_CONSTANTS } from '../../dsl/expr.js';
import { shiftMoves } from '../../dsl/shift.js';
import { opDef } from '../../ops/registry.js';
import type { Padding } from '../../ir/op-attrs.js';
import type { Emit } from './emit.js';

export function emitBuiltin(e: Emit, s: A.BuiltinStepper, u: string): string {
  const p = SystemParams.of(STEPPER_PARAMS, s.name, s.params);
  const shape = e.shape(u);
  const n = shape.at(-1) as number;
  const axes = spatialAxes(shape.length, s.padding);
  const order = etdrkOrder(s.method);
  if (order !== undefined) return exact(e, builtinSolver(s.name, order, p, n, axes.length), u);
  if (isSpectralSystem(s.name)) throw new Error(`internal: ${s.name} steps by ETDRK only`);
  switch (s.name) {
    case 'advection': {
      const cfl = p.perAxis('cfl', axes.length);
      if (s.method === 'spectral' && axes.length > 1) return exact(e, exactAdvection(n, cfl), u);
      if (s.method === 'spectral') return e.unary('spectral', 'circconv', u, { kernel: spectral('advection', n, cfl[0]!, advectionKernel) });
      // Upwind: the difference reaches into the cell the flow comes from.
      return axes.reduce((acc, a, j) => {
        const c = cfl[j]!;
        const diff = c >= 0 ? e.binary(a.name('diff'), 'sub', u, a.shift(e, 'left', u, 1)) : e.binary(a.name('diff'), 'sub', a.shift(e, 'right', u, -1), u);
        return e.axpy(a.last ? 'step' : a.name('step'), acc, -c, diff);
      }, u);
    }
    case 'diffusion': {
      if (s.method === 'spectral' && axes.length > 1) return exact(e, exactDiffusion(n, p.get('gamma'), axes.length), u);
      if (s.method === 'spectral') return e.unary('spectral', 'circconv', u, { kernel: spectral('diffusion', n, p.get('gamma'), diffusionKernel) });
      return e.axpy('step', u, p.get('gamma'), laplacian(e, 'lap', u, axes));
    }
    case 'burgers':
      return burgers(e, u, n, axes, p.get('nu'), p.get('dt'), p.get('substeps'));
    case 'lorenz63':
      return lorenz(e, u, p.get('dt'), p.get('sigma'), p.get('rho'), p.get('beta'));
    default:
      return s.name satisfies never;
  }
}

/** A spectral solver's step: the data generator's own step graph (data/etdrk), built into this one. */
function exact(e: Emit, spec: SolverSpec, u: string): string {
  const { solver, options } = resolve(spec);
  return etdrkStep(e.b, solver, options, u, e.prefix);
}

/** One spatial axis of a field: how its values are named and shifted. */
interface Axis {
  last: boolean;
  /** `what` on a 1-D field, `what` and the axis's index on an N-D one. */
  name(what: string): string;
  shift(e: Emit, name: string, x: string, k: number): string;
}

/** The spatial axes of a field of `rank` ([B, C, ...space]); the last one rolls without an axis attribute, as in 1-D. */
function spatialAxes(rank: number, padding: Padding): Axis[] {
  const dims = rank - 2;
  return Array.from({ length: dims }, (_, j) => {
    const last = j === dims - 1;
    const name = (what: string) => (dims === 1 ? what : `${what}${j}`);
    return { last, name, shift: (e, nm, x, k) => e.shift(name(nm), x, k, last ? undefined : 2 + j, padding) };
  });
}

/** The sum over the axes of f(axis), in axis order. */
function sumAxes(e: Emit, name: string, axes: readonly Axis[], f: (a: Axis) => string): string {
  return axes.map(f).reduce((acc, v, j) => e.binary(j === axes.length - 1 ? name : `${name}.sum${j}`, 'add', acc, v));
}

// A spectral kernel costs O(points^2) to compute and is the same for every
// call of one solver: computed once, and one array shared by the calls' nodes
// (graphs are immutable). A handful of solvers at most per spec.
const kernels = new Map<string, readonly number[]>();
function spectral(system: string, n: number, param: number, make: (n: number, param: number) => Float64Array): readonly number[] {
  const key = `${system} ${n} ${param}`;
  let k = kernels.get(key);
  if (!k) {
    if (kernels.size >= 8) kernels.clear();
    kernels.set(key, (k = [...make(n, param)]));
  }
  return k;
}

/** sum_j u[i+1_j] - 2 u[i] + u[i-1_j] */
function laplacian(e: Emit, name: string, u: string, axes: readonly Axis[]): string {
  return sumAxes(e, name, axes, (a) => {
    const nm = a.name(name);
    const sides = e.binary(`${nm}.sides`, 'add', a.shift(e, `${name}.r`, u, -1), a.shift(e, `${name}.l`, u, 1));
    return e.axpy(nm, sides, -2, u);
  });
}

/** Heun steps of F(u) = -(sum_j u[i+1_j]^2 - u[i-1_j]^2) / (4 dx) + nu sum_j (u[i+1_j] - 2u[i] + u[i-1_j]) / dx^2. */
function burgers(e: Emit, u0: string, n: number, axes: readonly Axis[], nu: number, dt: number, substeps: number): string {
  const dx = (2 * Math.PI) / n;
  const h = dt / substeps;
  const rhs = (name: string, u: string) => {
    const sq = e.unary(`${name}.sq`, 'square', u);
    const flux = sumAxes(e, `${name}.flux`, axes, (a) =>
      e.binary(a.name(`${name}.flux`), 'sub', a.shift(e, `${name}.sqr`, sq, -1), a.shift(e, `${name}.sql`, sq, 1)),
    );
    const visc = laplacian(e, `${name}.lap`, u, axes);
    return e.binary(name, 'add', e.scale(`${name}.adv`, flux, -1 / (4 * dx)), e.scale(`${name}.visc`, visc, nu / (dx * dx)));
  };
  let u = u0;
  for (let s = 0; s < substeps; s++) {
    const p = substeps > 1 ? `s${s}.` : '';
    const fu = rhs(`${p}f`, u);
    const v = e.axpy(`${p}v`, u, h, fu);
    const fv = rhs(`${p}fv`, v);
    u = e.axpy(`${p}step`, u, h / 2, e.binary(`${p}fsum`, 'add', fu, fv));
  }
  return u;
}

/** Classic RK4 of f(x, y, z) = (sigma (y - x), x (rho - z) - y, x y - beta z) on [B, 3]. */
function lorenz(e: Emit, u: string, dt: number, sigma: number, rho: number, beta: number): string {
  const f = (name: string, s: string) => {
    const one = ['B', 1] as const;
    const [x, y, z] = [0, 1, 2].map((i) => e.op(`${name}.${'xyz'[i]}`, 'slice', [s], one, { axis: 1, start: i, size: 1 })) as [string, string, string];
    const dx = e.scale(`${name}.dx`, e.binary(`${name}.ymx`, 'sub', y, x), sigma);
    // x (rho - z) - y = rho x - x z - y
    const dy = e.binary(`${name}.dy`, 'sub', e.binary(`${name}.rxz`, 'sub', e.scale(`${name}.rx`, x, rho), e.binary(`${name}.xz`, 'mul', x, z)), y);
    const dz = e.axpy(`${name}.dz`, e.binary(`${name}.xy`, 'mul', x, y), -beta, z);
    return e.op(name, 'concat', [dx, dy, dz], e.shape(s), { axis: 1 });
  };
  const k1 = f('k1', u);
  const k2 = f('k2', e.axpy('u2', u, dt / 2, k1));
  const k3 = f('k3', e.axpy('u3', u, dt / 2, k2));
  const k4 = f('k4', e.axpy('u4', u, dt, k3));
  const mid = e.binary('k23', 'add', k2, k3);
  const sum = e.binary('ksum', 'add', e.binary('k14', 'add', k1, k4), e.scale('k23x2', mid, 2));
  return e.axpy('step', u, dt / 6, sum);
}

/** A user's expression over named states, constants folded. */
export function emitExpr(e: Emit, s: A.ExprStepper, states: readonly string[]): string {
  const env = new Map(s.params.map((p, i) => [p, states[i]!]));
  const like = states[0]!;
  let k = 0;
  const fresh = (what: string) => `${what}${k++}`;
  type V = { c: number } | { id: string };
  const val = (v: V): string => ('id' in v ? v.id : e.fill(fresh('c'), like, v.c));
  const go = (x: A.Expr): V => {
    switch (x.kind) {
      case 'num':
        return { c: x.value };
      case 'var': {
        const id = env.get(x.name);
        return id !== undefined ? { id } : { c: s.constants[x.name] ?? BUILTIN_CONSTANTS[x.name]! };
      }
      case 'neg': {
        const a = go(x.arg);
        return 'c' in a ? { c: -a.c } : { id: e.unary(fresh('neg'), 'neg', a.id) };
      }
      case 'bin': {
        const [a, b] = [go(x.lhs), go(x.rhs)];
        if ('c' in a && 'c' in b) return { c: fold(x.op, a.c, b.c) };
        if (x.op === '*' && 'c' in a) return { id: e.scale(fresh('scale'), val(b), a.c) };
        if ((x.op === '*' || x.op === '/') && 'c' in b) return { id: e.scale(fresh('scale'), val(a), x.op === '*' ? b.c : 1 / b.c) };
        const op = ({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const)[x.op];
        return { id: e.binary(fresh(op), op, val(a), val(b)) };
      }
      case 'call': {
        const a = go(x.args[0]!);
        if ('c' in a) return x.fn === 'shift' ? a : { c: foldFn(x.fn, a.c) };
        if (x.fn === 'shift') {
          // One roll per axis moved, composed; the last axis without an axis attribute, as the built-in steppers write it.
          const dims = e.shape(a.id).length - 2;
          const moves = shiftMoves(x, dims, (k) => (go(k) as { c: number }).c);
          return { id: moves.reduce((id, m) => e.shift(fresh('shift'), id, m.k, m.axis === dims - 1 ? undefined : 2 + m.axis), a.id) };
        }
        return { id: e.unary(fresh(x.fn), functionOp(x.fn), a.id) };
      }
      default:
        return x satisfies never;
    }
  };
  return val(go(s.body));
}

function fold(op: '+' | '-' | '*' | '/', a: number, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
}

/** The elementwise ops an expression's functions of one state name (dsl/expr.ts checks the names). */
const FUNCTION_OPS = ['tanh', 'relu', 'sigmoid', 'gelu', 'abs', 'square', 'sign'] as const;

function functionOp(fn: string): (typeof FUNCTION_OPS)[number] {
  const op = FUNCTION_OPS.find((o) => o === fn);
  if (!op) throw new Error(`internal: function '${fn}' has no op`);
  return op;
}

/** Folds a function of a constant with the op's own float64 definition. */
function foldFn(fn: string, x: number): number {
  return opDef(functionOp(fn)).eval!([{ shape: [1], data: Float64Array.of(x) }], {}, [1]).data[0]!;
}
