// What a solver's nonlinear term and the ETDRK step are written with: IR ops
// on spectra ([B, C, N, …, N//2+1, 2]) and fields ([B, C, N, …, N]) over one
// grid, every node named under a prefix (a stage, a substep), so that a step
// reads as its formula in `tx ir`.
import type { GraphBuilder } from '../../ir/graph.js';
import type { Complex } from '../../math/etdrk.js';
import { opDef } from '../../ops/registry.js';
import type { Bin, Grid } from './grid.js';
import { channelTable, spectrumAxes, table } from './grid.js';

/** The dealiasing of nonlinear terms (scenarios §1, §3). */
export interface Dealiasing {
  /** Whether a bin survives: multiplies every spectrum before it goes back to a field for a product. */
  readonly keep: (b: Bin) => boolean;
  /** Whether the returned term is masked too (post-dealiasing). */
  readonly post: boolean;
}

export class Spectral {
  constructor(
    readonly b: GraphBuilder,
    readonly grid: Grid,
    readonly dealias: Dealiasing,
    private readonly prefix = '',
  ) {}

  /** The same grid with names under `prefix` (appended to this one's). */
  scope(prefix: string): Spectral {
    return new Spectral(this.b, this.grid, this.dealias, this.prefix + prefix);
  }

  /** The dealiasing mask as a factor: 1 on kept bins, 0 elsewhere. */
  mask(b: Bin): number {
    return this.dealias.keep(b) ? 1 : 0;
  }

  /** The post-dealiasing factor of a nonlinear term's result: the mask, or 1 when post-dealiasing is off. */
  postMask(b: Bin): number {
    return this.dealias.post ? this.mask(b) : 1;
  }

  /** X times f(bin) on every bin. */
  diag(name: string, X: string, f: (b: Bin) => Complex): string {
    return this.scaleBy(name, X, table(this.grid, f));
  }

  /** X times f(bin, channel) on every bin of each of `channels` channels. */
  diagChannels(name: string, X: string, channels: number, f: (b: Bin, channel: number) => Complex): string {
    return this.scaleBy(name, X, channelTable(this.grid, channels, f));
  }

  /**
   * X times a table already made (the ETDRK coefficients, shared by
   * substeps); a table of several channels' factors covers the channel axis
   * as well (grid.ts's channelTable).
   */
  scaleBy(name: string, X: string, coef: readonly number[]): string {
    const perChannel = coef.length !== 2 * spectrumAxes(this.grid).reduce((a, n) => a * n, 1);
    const dims = this.grid.dims + (perChannel ? 1 : 0);
    return this.b.add(this.prefix + name, 'spectral_scale', [X], this.b.shapeOf(X), { dims, coef: [...coef] });
  }

  /** Channel `c` of a field or spectrum [B, C, …], as [B, 1, …]. */
  channel(name: string, x: string, c: number): string {
    const attrs = { axis: 1, start: c, size: 1 };
    return this.b.add(this.prefix + name, 'slice', [x], opDef('slice').shape([this.b.shapeOf(x)], attrs), attrs);
  }

  /** Values [B, C_k, …] joined along the channel axis. */
  stack(name: string, xs: readonly string[]): string {
    const attrs = { axis: 1 };
    return this.b.add(this.prefix + name, 'concat', xs, opDef('concat').shape(xs.map((x) => this.b.shapeOf(x)), attrs), attrs);
  }

  toSpectrum(name: string, u: string): string {
    const attrs = { dims: this.grid.dims };
    return this.b.add(this.prefix + name, 'rfft', [u], opDef('rfft').shape([this.b.shapeOf(u)], attrs), attrs);
  }

  toField(name: string, X: string): string {
    const attrs = { dims: this.grid.dims, n: this.grid.points };
    return this.b.add(this.prefix + name, 'irfft', [X], opDef('irfft').shape([this.b.shapeOf(X)], attrs), attrs);
  }

  /** An elementwise op on fields or spectra alike (complex sums are sums of their pairs). */
  ew(name: string, op: 'add' | 'sub' | 'mul' | 'square', ...xs: string[]): string {
    return this.b.add(this.prefix + name, op, xs, this.b.shapeOf(xs[0]!));
  }

  /** A value of `like`'s shape filled with `value` (a source term starts from a spectrum of ones). */
  constant(name: string, like: string, value: number): string {
    return this.b.add(this.prefix + name, 'const', [], this.b.shapeOf(like), { value });
  }

  /** The sum of values of one shape, in order. */
  sum(name: string, xs: readonly string[]): string {
    return xs.reduce((acc, x, k) => this.ew(k === xs.length - 1 ? name : `${name}${k}`, 'add', acc, x));
  }
}
