// Parsers for numeric command-line options, shared so that every command
// refuses `abc`, `-1`, `0`, `1.5` or `1e3` the same way (exit 2 with usage),
// never passing NaN on.
import { InvalidArgumentError } from 'commander';

/** A whole number >= 1 written in decimal digits. */
export function positiveInt(s: string): number {
  const n = Number(s);
  if (!/^\s*\+?\d+\s*$/.test(s) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

/** A whole number >= 0 written in decimal digits. */
export function wholeNumber(s: string): number {
  const n = Number(s);
  if (!/^\s*\+?\d+\s*$/.test(s) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}
