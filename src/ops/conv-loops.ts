// The convolutions' WGSL on any number of spatial axes, with any dilation and
// stride: one output per thread, a loop per kernel axis (WgslCtx.bound), and
// the summed channels innermost, so that a tap's padded position is resolved
// once for all of them. Plain 1-D convolutions keep their measured rules
// (conv-tile.ts and the ops' own); these serve the rest, on both targets.
// The names follow conv-geometry.ts: x [B, I, N…], w [O, I, k…], y [B, O, M…].
import type { ConvGeometry } from './conv-geometry.js';
import { plain1d, reach, ruleGeometry } from './conv-geometry.js';
import { convTile } from './conv-tile.js';
import type { WgslCtx, WgslRule } from './op.js';
import { coord, flatIndex } from '../wgsl/text.js';
import { padSkip, padTap } from './padding.js';

type Body = { stmts: string[]; value: string };

/**
 * The rule of conv or conv_t: on one axis without dilation or stride their
 * measured code (conv-tile.ts, and `plainBody`), elsewhere the loops below.
 */
export function convLoop<K extends 'conv' | 'conv_t'>(op: K, plainBody: (c: WgslCtx<K>, i: string) => Body): WgslRule<K> {
  return {
    kind: 'loop',
    // An input element is read once per output channel and tap.
    reuse: (c) => [(c.out[1] as number) * ruleGeometry(op, c).taps, 1],
    tile: (s) => convTile(s, op === 'conv_t'),
    body: (c, i) => {
      const g = ruleGeometry(op, c);
      return plain1d(g) ? plainBody(c, i) : op === 'conv' ? convBody(c, i, g) : convTBody(c, i, g);
    },
  };
}

/** `v * c` in u32 (v a u32 expression). */
function times(v: string, c: number): string {
  return c === 1 ? v : `${v} * ${c}u`;
}

/** `e + off` in i32. */
function plus(e: string, off: number): string {
  return off === 0 ? e : off > 0 ? `${e} + ${off}` : `${e} - ${-off}`;
}

/** One name per spatial axis. */
function perAxis(c: WgslCtx, g: ConvGeometry, tag: string): string[] {
  return g.N.map((_, j) => c.fresh(`${tag}${j}_`));
}

/** `let`s of element i's batch, channel and spatial coordinates in `shape`. */
function coords(shape: WgslCtx['out'], i: string, b: string, ch: string, at: readonly string[]): string[] {
  return [`let ${b} = ${coord(shape, 0, i)}; let ${ch} = ${coord(shape, 1, i)};`, ...at.map((v, j) => `let ${v} = ${coord(shape, j + 2, i)};`)];
}

/** Nested loops over the taps, each opened with `resolve(j)`'s statements; `inner` at the centre. */
function tapLoops(c: WgslCtx, g: ConvGeometry, t: readonly string[], resolve: (j: number) => string[], inner: string): string[] {
  const indent = (depth: number) => (line: string) => `${'  '.repeat(depth)}${line}`;
  return [
    ...t.flatMap((tj, j) => [indent(j)(`for (var ${tj} = 0u; ${tj} < ${c.bound(g.k)}; ${tj}++) {`), ...resolve(j).map(indent(j + 1))]),
    indent(t.length)(inner),
    ...t.map((_, j) => indent(t.length - 1 - j)('}')),
  ];
}

/** conv: y[b, o, n] = Σ_t Σ_i w[o, i, t] x̃[b, i, s·n + d·(t − ℓ)]. */
function convBody(c: WgslCtx, i: string, g: ConvGeometry): Body {
  const I = c.ins[0]![1] as number;
  const [b, o, acc, ch] = ['b', 'o', 'acc', 'c'].map((x) => c.fresh(x)) as [string, string, string, string];
  const [n, t, q] = [perAxis(c, g, 'n'), perAxis(c, g, 't'), perAxis(c, g, 'q')];
  const position = (j: number) => plus(`i32(${times(n[j]!, g.s)} + ${times(t[j]!, g.d)})`, -g.d * g.left);
  // Upsampled, a tap on an odd point of X reads a zero; an even one reads x at half of it.
  const resolve = (j: number) => [...padSkip(g.padding, position(j), g.X[j]!, reach(g), q[j]!), ...(g.u === 1 ? [] : [`if (${q[j]!} % 2u != 0u) { continue; }`])];
  const at = q.map((qj) => (g.u === 1 ? qj : `(${qj} / 2u)`));
  const term = `${c.x(1, flatIndex(c.ins[1]!, [o, ch, ...t]))} * ${c.x(0, flatIndex(c.ins[0]!, [b, ch, ...at]))}`;
  return {
    stmts: [...coords(c.out, i, b, o, n), `var ${acc} = 0.0;`, ...tapLoops(c, g, t, resolve, `for (var ${ch} = 0u; ${ch} < ${c.bound(I)}; ${ch}++) { ${acc} += ${term}; }`)],
    value: acc,
  };
}

/**
 * conv_t: x[b, i, m] = Σ_t Σ_o w[o, i, t] y[b, o, n] over the n with
 * s·n + d·(t − ℓ) = u·m (mod u·N when circular): for each tap, the padded
 * position u·m − d·(t − ℓ), skipped unless a multiple of the stride.
 */
function convTBody(c: WgslCtx, i: string, g: ConvGeometry): Body {
  const O = c.ins[0]![1] as number;
  const [b, ch, acc, o] = ['b', 'c', 'acc', 'o'].map((x) => c.fresh(x)) as [string, string, string, string];
  const [m, t, q] = [perAxis(c, g, 'm'), perAxis(c, g, 't'), perAxis(c, g, 'q')];
  const position = (j: number) => plus(`i32(${times(m[j]!, g.u)}) - i32(${times(t[j]!, g.d)})`, g.d * g.left);
  const resolve = (j: number) => [...padSkip(g.padding, position(j), g.X[j]!, reach(g), q[j]!), ...(g.s === 1 ? [] : [`if (${q[j]!} % ${g.s}u != 0u) { continue; }`])];
  const n = q.map((qj) => (g.s === 1 ? qj : `(${qj} / ${g.s}u)`));
  const term = `${c.x(1, flatIndex(c.ins[1]!, [o, ch, ...t]))} * ${c.x(0, flatIndex(c.ins[0]!, [b, o, ...n]))}`;
  return {
    stmts: [...coords(c.out, i, b, ch, m), `var ${acc} = 0.0;`, ...tapLoops(c, g, t, resolve, `for (var ${o} = 0u; ${o} < ${c.bound(O)}; ${o}++) { ${acc} += ${term}; }`)],
    value: acc,
  };
}

/**
 * conv_w: term j of w[o, i, t] = Σ_{b, n} y[b, o, n] x̃[b, i, s·n + d·(t − ℓ)],
 * j running over the domain ['B', …M] (batch, then output points).
 */
export function convWTerm(c: WgslCtx, i: string, j: string, g: ConvGeometry): Body {
  const [o, ch, b] = ['o', 'c', 'b'].map((x) => c.fresh(x)) as [string, string, string];
  const [t, n] = [perAxis(c, g, 't'), perAxis(c, g, 'n')];
  const domain = ['B' as const, ...g.M];
  const taps = g.X.map((Xj, a) => padTap(g.padding, plus(`i32(${times(n[a]!, g.s)} + ${times(t[a]!, g.d)})`, -g.d * g.left), Xj, reach(g), c.fresh(`q${a}_`)));
  // Upsampled, a tap on an odd point of X reads a zero; an even one reads x at half of it.
  const at = taps.map((x) => (g.u === 1 ? x.index : `(${x.index} / 2u)`));
  const odd = g.u === 1 ? [] : taps.map((x) => `${x.index} % 2u != 0u`);
  const product = `${c.x(0, flatIndex(c.ins[0]!, [b, o, ...n]))} * ${c.x(1, flatIndex(c.ins[1]!, [b, ch, ...at]))}`;
  const masked = taps.reduce((v, x) => x.mask(v), product);
  return {
    stmts: [
      ...coords(c.out, i, o, ch, t),
      `let ${b} = ${coord(domain, 0, j)};`,
      ...n.map((v, a) => `let ${v} = ${coord(domain, a + 1, j)};`),
      ...taps.flatMap((x) => x.stmts),
    ],
    value: odd.length ? `select(${masked}, 0.0, ${odd.join(' || ')})` : masked,
  };
}
