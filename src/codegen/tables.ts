// Constant tables of a step: the coefficients an op reads by index (a
// spectral multiplier's factor per bin, an ETDRK coefficient), kept once in a
// slot of the arena that the host writes when the program is made. Written
// into the code instead, as a private array, every thread built the whole
// table before reading one entry of it: a 64 x 64 Navier–Stokes step's 13
// tables of 4224 numbers made generating its data on lavapipe 11 times
// slower than the float64 interpreter. A slot rather than a buffer of its
// own, as a binding more would not fit beside W8's banks under WebGPU's
// default of 8 storage buffers. Equal tables are kept once, and an
// ensemble's members all read member 0's copy.
import type { Graph } from '../ir/graph.js';

/** The arena slot the tables take (not a value's id: those are the graph's). */
export const TABLES_SLOT = 'tx.tables';

export class Tables {
  private readonly at = new Map<string, number>();
  private readonly values: number[] = [];

  /** Every table the graph's ops read. */
  static of(g: Graph): Tables {
    const t = new Tables();
    for (const n of g.nodes) if (n.op === 'spectral_scale') t.add(n.attrs.coef);
    return t;
  }

  /** Where `values` start in the tables, adding them if new. */
  add(values: readonly number[]): number {
    const f32 = values.map(flush);
    const key = f32.join(',');
    let at = this.at.get(key);
    if (at === undefined) {
      at = this.values.length;
      this.at.set(key, at);
      this.values.push(...f32);
    }
    return at;
  }

  get size(): number {
    return this.values.length;
  }

  contents(): Float32Array<ArrayBuffer> {
    return Float32Array.from(this.values);
  }
}

/** An entry below f32's normal range (a damped bin's e^{L dt}) is 0, as the f32 literal it replaced was. */
function flush(v: number): number {
  return Math.abs(v) < 1e-37 ? 0 : Math.fround(v);
}
