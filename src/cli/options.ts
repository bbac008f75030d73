// Options more than one command takes: parsers for numeric ones, shared so
// that every command refuses `abc`, `-1`, `0`, `1.5` or `1e3` the same way
// (exit 2 with usage), never passing NaN on; where a generator's steps run.
import { InvalidArgumentError, Option } from 'commander';

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

/** Where a generator's steps run; `tx train` takes it as --data-device, `whenNot` saying its default. */
export function dataDeviceOption(flags: string, whenNot = 'gpu on a hardware GPU, else cpu'): Option {
  return new Option(flags, `where a generator's steps run: cpu, in float64 (the reference); gpu, in float32 (the spectral systems). Default: ${whenNot}`).choices(['cpu', 'gpu']);
}
