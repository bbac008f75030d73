// SAME padding for the convolutions: a kernel of size K pads (K-1)//2 taps on
// the left and the rest on the right (K = 2: none left, one right), circularly
// or with zeros. All three ops (conv, conv_t, conv_w) index through here, so
// the transposes agree with the forward at the borders.
import type { Padding } from '../ir/op-attrs.js';

export function leftPad(k: number): number {
  return (k - 1) >> 1;
}

/** Where position j of a length-n axis reads from once padded; -1 for a zero. */
export function padIndex(p: Padding, j: number, n: number): number {
  switch (p) {
    case 'circular':
      return ((j % n) + n) % n;
    case 'zero':
      return j >= 0 && j < n ? j : -1;
    default:
      throw new Error(`unknown padding ${p satisfies never}`);
  }
}

/**
 * WGSL: `pos` (an i32 expression) wrapped into [0, n). A position less than
 * one period out (|offset| <= reach <= n, as for a kernel no longer than the
 * axis) wraps with two selects: lavapipe has no vector division, and the
 * remainders cost a tiled convolution as much as its loads.
 */
function wrap(pos: string, n: number, reach: number): string {
  return reach <= n ? `u32(select(select(${pos}, ${pos} - ${n}, ${pos} >= ${n}), ${pos} + ${n}, ${pos} < 0))` : `u32(((${pos}) % ${n} + ${n}) % ${n})`;
}

/**
 * WGSL: reads `load(j)` at padded position `pos` (an i32 expression, at most
 * `reach` outside [0, n)) of a length-n axis, as `padIndex` does: wrapped, or
 * 0 outside for zero padding.
 */
export function padLoadWgsl(p: Padding, pos: string, n: number, reach: number, load: (j: string) => string): string {
  switch (p) {
    case 'circular':
      return load(wrap(`(${pos})`, n, reach));
    case 'zero':
      return `select(0.0, ${load(`u32(clamp(${pos}, 0, ${n - 1}))`)}, (${pos}) >= 0 && (${pos}) < ${n})`;
    default:
      throw new Error(`unknown padding ${p satisfies never}`);
  }
}

export interface PadTap {
  stmts: string[];
  /** The in-range u32 position to load. */
  index: string;
  /** The 0/1 value that zeroes the tap's contribution, where zero padding needs one. */
  factor?: string;
  mask(v: string): string;
}

/**
 * WGSL: one tap of a padded read at position `pos` (an i32 expression, at
 * most `reach` outside the axis), resolved once outside a loop: `index` is
 * the in-range u32 position to load, and `mask` zeroes the tap's
 * contribution where zero padding applies.
 */
export function padTap(p: Padding, pos: string, n: number, reach: number, name: string): PadTap {
  switch (p) {
    case 'circular':
      return { stmts: [`let ${name}p = ${pos};`, `let ${name} = ${wrap(`${name}p`, n, reach)};`], index: name, mask: (v) => v };
    case 'zero':
      return {
        stmts: [`let ${name}p = ${pos};`, `let ${name} = u32(clamp(${name}p, 0, ${n - 1}));`, `let ${name}m = select(0.0, 1.0, ${name}p >= 0 && ${name}p < ${n});`],
        index: name,
        factor: `${name}m`,
        mask: (v) => `${name}m * ${v}`,
      };
    default:
      throw new Error(`unknown padding ${p satisfies never}`);
  }
}

/**
 * WGSL, in a loop over taps: position `pos` (an i32 expression, at most
 * `reach` outside the axis) as the u32 index `name`; with zero padding the
 * iteration is skipped where the position is outside, as its terms add zero.
 */
export function padSkip(p: Padding, pos: string, n: number, reach: number, name: string): string[] {
  switch (p) {
    case 'circular':
      return padTap(p, pos, n, reach, name).stmts;
    case 'zero':
      return [`let ${name}p = ${pos};`, `if (${name}p < 0 || ${name}p >= ${n}) { continue; }`, `let ${name} = u32(${name}p);`];
    default:
      throw new Error(`unknown padding ${p satisfies never}`);
  }
}
