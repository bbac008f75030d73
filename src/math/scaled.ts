// Sums of |x|^p that overflow (or underflow) only where their answer does.

/**
 * m^(pq) · mean^q, the aggregate of values that were divided by m, their
 * largest magnitude, before |·|^p, as hypot scales: a diverged field's
 * squares overflow (and a tiny one's underflow) only where the aggregate
 * itself does. m = 0 (every value zero) and m not finite (so is a value)
 * are their own answers.
 */
export function scaledPower(m: number, p: number, q: number, mean: number): number {
  if (m === 0 || !Number.isFinite(m)) return m;
  return m ** (p * q) * mean ** q;
}

/** The largest |v|, NaN if a value is NaN. */
export function largest(x: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < x.length; j++) {
    const a = Math.abs(x[j]!);
    if (!(a <= m)) m = a;
  }
  return m;
}
