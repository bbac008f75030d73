// The rows a convolution's register block reads on 2 or 3 spatial axes: the
// block's points lie along the last axis, so every other axis contributes a
// row, one per combination of its taps (k^(D-1)), whose padded position and
// zero-padding mask are resolved once per thread, before the channel loop.
import { padTap } from './padding.js';
import type { PadTap } from './padding.js';
import type { Padding } from '../ir/op-attrs.js';
import type { WgslCtx } from './op.js';
import { coord } from '../wgsl/text.js';
import { unflatten } from './grid.js';

/**
 * A padded position on an axis of n points, as padTap; `halve`: the
 * position is a zero-inserted field's (n its doubled size), which holds
 * point q of the field read at 2q, so the index loaded is half of it.
 */
export function axisTap(p: Padding, pos: string, n: number, reach: number, name: string, halve: boolean): PadTap {
  const tap = padTap(p, pos, n, reach, name);
  return halve ? { ...tap, index: `(${tap.index} >> 1u)` } : tap;
}

export interface RowGeometry {
  padding: Padding;
  /** Spatial sizes of the field read and of the field written. */
  from: readonly number[];
  to: readonly number[];
  K: number;
  /** Where tap k reads along an axis, relative to `scale` times the output position. */
  shift(k: number): number;
  scale: 1 | 2;
  /** The field read is zero-inserted (conv_t's stride): positions are the doubled field's, odd ones zero. */
  sparse: boolean;
  reach: number;
}

export interface Rows {
  /** Statements resolving every row, to run once per thread. */
  stmts: string[];
  /** One entry per row (tap combination of the leading axes, flat, the first axis slowest). */
  rows: readonly number[];
  /** The row's offset in a channel's plane, with a trailing ` + `, or nothing on one axis. */
  at(row: number): string;
  /** `v` masked where the row reads a zero. */
  mask(row: number, v: string): string;
}

/** The rows of `row` (a u32 naming the output's point of the leading axes). */
export function leadingRows(c: WgslCtx, g: RowGeometry, row: string): Rows {
  const D = g.to.length;
  if (D === 1) return { stmts: [], rows: [0], at: () => '', mask: (_, v) => v };
  const lead = g.to.slice(0, -1);
  const space = g.sparse ? lead : g.from.slice(0, -1);
  const stmts: string[] = [];
  // taps[j][k]: axis j's position for tap k.
  const taps = lead.map((_, j) => {
    const r = c.fresh(`r${j}_`);
    stmts.push(`let ${r} = ${coord(lead, j, row)};`);
    const at = g.scale === 1 ? `i32(${r})` : `i32(${r} * ${g.scale}u)`;
    return [...Array(g.K).keys()].map((k) => {
      const sh = g.shift(k);
      const tap = padTap(g.padding, sh === 0 ? at : `${at} + ${sh}`, space[j]!, g.reach, c.fresh(`a${j}_${k}_`));
      stmts.push(...tap.stmts);
      if (!g.sparse) return tap;
      // A zero-inserted field's odd rows are zeros.
      const even = c.fresh(`e${j}_${k}_`);
      stmts.push(`let ${even} = select(0.0, ${tap.factor ?? '1.0'}, (${tap.index} & 1u) == 0u);`);
      return { ...tap, index: `(${tap.index} >> 1u)`, factor: even };
    });
  });
  const sizes = g.sparse ? g.from.slice(0, -1) : space;
  const rows = [...Array(g.K ** (D - 1)).keys()];
  const names = rows.map((tr) => {
    const ks = unflatten(tr, lead.map(() => g.K));
    const flat = ks.reduce((acc, k, j) => (j === 0 ? taps[j]![k]!.index : `(${acc}) * ${sizes[j]}u + ${taps[j]![k]!.index}`), '');
    const factors = ks.map((k, j) => taps[j]![k]!.factor).filter((f): f is string => f !== undefined);
    const rb = c.fresh(`rb${tr}_`);
    stmts.push(`let ${rb} = (${flat}) * ${g.from[D - 1]}u;`);
    const rm = factors.length ? c.fresh(`rm${tr}_`) : undefined;
    if (rm) stmts.push(`let ${rm} = ${factors.join(' * ')};`);
    return { rb, rm };
  });
  return {
    stmts,
    rows,
    at: (tr) => `${names[tr]!.rb} + `,
    mask: (tr, v) => (names[tr]!.rm ? `${names[tr]!.rm} * ${v}` : v),
  };
}
