// The initial-state law of a spectral system's data block (`ic grf { … }`,
// scenarios §6): its options read with their defaults, and what the schema
// cannot judge alone, at the option's span: the [lo, hi] ranges, the
// normalisations that contradict each other, and a Fourier cutoff the grid
// cannot resolve.
import type * as A from './ast.js';
import type { Span } from '../util/diagnostics.js';
import { IC_LAWS, IC_RANGES } from './schema.js';
import type { Report, Settings } from './settings.js';

type LawName = keyof typeof IC_LAWS;

/** The law `ic` names in data block `s` (undefined for none, or a file), after its diagnostics. */
export function checkInitialLaw(s: Settings, system: string, points: number, at: Span, report: Report): A.InitialLaw | undefined {
  const setting = s.setting('ic');
  const sub = s.sub('ic');
  const value = setting?.value;
  if (value?.kind === 'word' && value.word === 'file') return undefined;
  const name = value?.kind === 'word' ? (value.word as LawName) : undefined;
  checkCutoff(s, sub, name ?? (system === 'gray_scott' ? 'blobs' : 'fourier'), points, at, report);
  if (!name || !sub || !setting) return undefined;
  const options: Record<string, number | boolean | readonly number[]> = {};
  for (const [key, kind] of Object.entries(IC_LAWS[name])) {
    if (kind.t === 'bool') options[key] = sub.bool(key);
    else if (kind.t === 'list') {
      const range = checkRange(sub, key, setting.span, report);
      if (range) options[key] = range;
    } else if (sub.has(key) || 'def' in kind) options[key] = sub.number(key);
  }
  const span = (key: string) => sub.span(key, setting.span);
  if (options['std_one'] && options['max_one'])
    report.error(span('std_one'), 'std_one and max_one cannot both be true', 'keep one: std_one divides by the standard deviation, max_one by max |u|');
  else if (options['std_one'] && !options['zero_mean'])
    report.error(span('std_one'), 'std_one needs zero_mean true', 'the standard deviation is taken about a zero mean: drop zero_mean false');
  return { name, options, span: setting.span };
}

/**
 * A Fourier series of `cutoff` modes needs |k| <= N//2 - 1: the Nyquist
 * mode cannot carry a phase. The law's own cutoff, else the block's (which
 * only a fourier law uses).
 */
function checkCutoff(s: Settings, sub: Settings | undefined, law: LawName, points: number, at: Span, report: Report): void {
  if (law !== 'fourier') return;
  const own = sub?.optionalNumber('cutoff');
  const cutoff = own ?? s.number('cutoff');
  const most = Math.floor(points / 2) - 1;
  if (cutoff <= most) return;
  const where = own !== undefined ? sub!.span('cutoff', at) : s.span('cutoff', s.span('points', at));
  report.error(where, `a Fourier series of cutoff ${cutoff} needs more than ${2 * cutoff + 1} points, but the grid has ${points}`, `use cutoff ${Math.max(most, 1)} or less, or at least ${2 * cutoff + 2} points`);
}

/** `key [lo, hi]`: two numbers, lo < hi (lo = hi for a centre or an offset drawn from one point), variances positive. */
function checkRange(sub: Settings, key: string, at: Span, report: Report): readonly [number, number] | undefined {
  const list = sub.list(key);
  if (!list) return IC_RANGES[key];
  const where = sub.valueSpan(key, at);
  const strict = key === 'clamp';
  if (list.length !== 2 || (strict ? list[0]! >= list[1]! : list[0]! > list[1]!)) {
    report.error(where, `'${key}' expects a range [lo, hi] with lo ${strict ? '<' : '<='} hi, got [${list.join(', ')}]`, `e.g. ${key} [${(IC_RANGES[key] ?? [0, 1]).join(', ')}]`);
    return undefined;
  }
  if (key === 'variance' && list[0]! <= 0) {
    report.error(where, `'variance' must be positive, got [${list.join(', ')}]`, 'e.g. variance [0.005, 0.01] (fractions of the extent)');
    return undefined;
  }
  return [list[0]!, list[1]!];
}
