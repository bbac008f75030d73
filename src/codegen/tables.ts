// Constant tables of a step: the coefficients an op reads by index (a
// spectral multiplier's factor per bin, an ETDRK coefficient), kept once in a
// read-only buffer the host writes when the program is made. Written into
// the code instead, as a private array, every thread built the whole table
// before reading one entry of it: a 64 x 64 Navier–Stokes step's 13 tables
// of 4224 numbers made generating its data on lavapipe 11 times slower than
// the float64 interpreter. Equal tables are kept once.

export class Tables {
  private readonly at = new Map<string, number>();
  private readonly values: number[] = [];

  /** Where `values` start in the tables buffer, adding them if new. */
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
