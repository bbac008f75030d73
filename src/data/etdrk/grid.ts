// The Fourier grid of a pseudo-spectral solver: a state [C, N, …, N] of D
// periodic axes on [0, L)^D, and its rfftn half spectrum [C, N, …, N//2+1]
// (leading axes in fftfreq order, the last 0..N//2). Every constant the
// solvers multiply spectra by is a function of a bin's integer wavevector k
// and its angular wavevector kappa = 2 pi k / L, tabulated here once per bin.
import type { Complex } from '../../math/etdrk.js';

export interface Grid {
  readonly dims: number;
  readonly points: number;
  readonly extent: number;
}

/** One bin of the half spectrum. */
export interface Bin {
  /** Integer wavevector, one entry per axis (fftfreq's signs on the leading axes). */
  readonly k: readonly number[];
  /** Angular wavevector 2 pi k / L. */
  readonly kappa: readonly number[];
}

/** The half spectrum's complex axes: N on every axis but the last, which keeps N//2 + 1. */
export function spectrumAxes(g: Grid): number[] {
  return [...Array<number>(g.dims - 1).fill(g.points), Math.floor(g.points / 2) + 1];
}

/** Every bin of the half spectrum, row-major. */
export function bins(g: Grid): Bin[] {
  const axes = spectrumAxes(g);
  const count = axes.reduce((a, d) => a * d, 1);
  return Array.from({ length: count }, (_, flat) => {
    const k = new Array<number>(g.dims);
    let rest = flat;
    for (let d = g.dims - 1; d >= 0; d--) {
      const i = rest % axes[d]!;
      rest = Math.floor(rest / axes[d]!);
      k[d] = d === g.dims - 1 || 2 * i < g.points ? i : i - g.points;
    }
    return { k, kappa: k.map((kd) => (2 * Math.PI * kd) / g.extent) };
  });
}

/** A table for spectral_scale: f of every bin as (re, im) pairs, row-major. */
export function table(g: Grid, f: (b: Bin) => Complex): number[] {
  return bins(g).flatMap((b) => {
    const v = f(b);
    return [v.re, v.im];
  });
}

/**
 * One table per channel, channel-major: a spectral_scale over the channel
 * axis and the complex axes (dims + 1), for a symbol that differs between
 * channels. One channel is `table`'s, shared by every channel.
 */
export function channelTable(g: Grid, channels: number, f: (b: Bin, channel: number) => Complex): number[] {
  return Array.from({ length: channels }, (_, c) => table(g, (b) => f(b, c))).flat();
}

/**
 * Whether a bin survives dealiasing by `fraction`: |k_d| <= fraction (N//2) - 1
 * on every axis (a hypercube), compared with slack so that 2/3 of 24 keeps 15.
 */
export function dealiased(g: Grid, fraction: number): (b: Bin) => boolean {
  const limit = fraction * Math.floor(g.points / 2) - 1 + 1e-9;
  return (b) => b.k.every((kd) => Math.abs(kd) <= limit);
}

/** |kappa|^2. */
export function norm2(b: Bin): number {
  return b.kappa.reduce((a, x) => a + x * x, 0);
}
