// Reads one block of `key value` settings against its schema: unknown keys
// (with a suggestion), repeated keys, wrong value types and ranges all become
// diagnostics here, and typed getters hand the checker values with defaults.
import type { Span } from '../util/diagnostics.js';
import type { ParamValue } from './ast.js';
import { MAX_CHANNELS, MAX_LAYERS, MAX_REAL, MAX_ROLLOUT } from './limits.js';
import type { RawBlock, RawNumber, RawSetting, RawValue } from './syntax.js';
import type { Schema, ValueKind } from './schema.js';
import { didYouMean } from './suggest.js';

export interface Report {
  error(span: Span, message: string, hint?: string): void;
}

/** A report that also takes warnings: a setting that does nothing is no mistake, but worth a word. */
export interface WarningReport extends Report {
  warning(span: Span, message: string, hint?: string): void;
}

type Parsed = number | boolean | string | number[] | { word: string; n: number }[] | RawSetting;

export class Settings {
  private readonly values = new Map<string, { v: Parsed; s: RawSetting }>();
  /** The blocks after words that take one (ValueKind options), by key. */
  private readonly nested = new Map<string, Settings>();

  constructor(
    settings: readonly RawSetting[],
    private readonly schema: Schema,
    /** Names the context in messages, e.g. "a supervised configuration". */
    private readonly where: string,
    private readonly report: Report,
  ) {
    for (const s of settings) this.read(s);
  }

  private read(s: RawSetting): void {
    const kind = this.schema[s.key];
    if (!kind) {
      const keys = Object.keys(this.schema);
      this.report.error(s.keySpan, `unknown option '${s.key}' for ${this.where}`, didYouMean(s.key, keys));
      return;
    }
    if (this.values.has(s.key)) {
      this.report.error(s.keySpan, `'${s.key}' is given twice`, 'keep one of them');
      return;
    }
    if (s.every && kind.t !== 'flag_every' && kind.t !== 'every') {
      this.report.error(s.every.span, `'${s.key}' takes no 'every'`);
      return;
    }
    const v = this.parse(s, kind);
    if (v !== undefined) this.values.set(s.key, { v, s });
  }

  private parse(s: RawSetting, kind: ValueKind): Parsed | undefined {
    const bad = (expected: string, span: Span = s.value?.span ?? s.keySpan) => {
      this.report.error(span, `'${s.key}' expects ${expected}`, example(s.key, kind));
      return undefined;
    };
    const v = s.value;
    switch (kind.t) {
      case 'flag':
        return v ? bad('no value') : true;
      case 'flag_every':
      case 'every': {
        if (v) return bad(`no value${kind.t === 'every' ? '' : ' (or every N)'}`);
        if (!s.every) return kind.t === 'every' ? bad("'every N'", s.keySpan) : 1;
        return this.positiveInt(s, 'every', s.every, s.every.span, kind.t === 'every' ? kind.max : undefined);
      }
      case 'int': {
        const n = single(v);
        if (n === undefined) return bad(kind.min > 0 ? 'a positive integer' : 'an integer');
        if (!Number.isInteger(n.value)) return bad('an integer', n.span);
        if (n.value < kind.min) {
          this.report.error(n.span, `'${s.key}' must be at least ${kind.min}, got ${n.text}`, example(s.key, kind));
          return undefined;
        }
        if (n.value > kind.max) return this.tooLarge(s.key, n, kind.max);
        return n.value;
      }
      case 'number': {
        if (kind.perAxis && v?.kind === 'list') {
          if (v.items.length < 1 || v.items.length > 3 || v.items.some((i) => i.word !== undefined || !i.number))
            return bad('a number, or one number per spatial axis such as [0.5, -0.25]');
          const each = v.items.map((i) => this.parse({ ...s, value: { kind: 'chain', numbers: [i.number!], span: i.span } }, { ...kind, perAxis: false }));
          return each.every((x) => typeof x === 'number') ? (each as number[]) : undefined;
        }
        const n = single(v);
        if (n === undefined || !Number.isFinite(n.value)) return bad('a number');
        if (Math.abs(n.value) > MAX_REAL) return this.tooLarge(s.key, n, MAX_REAL);
        const out =
          (kind.positive && n.value <= 0) ||
          (kind.min !== undefined && n.value < kind.min) ||
          (kind.max !== undefined && n.value > kind.max);
        if (out) {
          const range = kind.positive ? 'positive' : `in [${kind.min ?? '-inf'}, ${kind.max ?? 'inf'}]`;
          this.report.error(n.span, `'${s.key}' must be ${range}, got ${n.value}`, example(s.key, kind));
          return undefined;
        }
        return n.value;
      }
      case 'bool':
        if (v?.kind !== 'word' || (v.word !== 'true' && v.word !== 'false')) return bad('true or false');
        return v.word === 'true';
      case 'word':
        if (v?.kind !== 'word') return bad(`one of ${kind.choices.join(', ')}`);
        if (!kind.choices.includes(v.word)) {
          // The word, not a block after it.
          this.report.error({ ...v.span, length: v.word.length }, `unknown ${s.key} '${v.word}'`, didYouMean(v.word, kind.choices));
          return undefined;
        }
        return this.options(s.key, v.word, v.block, kind.options) ? v.word : undefined;
      case 'chain':
        if (v?.kind !== 'chain') return bad('numbers such as 1 -> 16 -> 1');
        if (!v.numbers.every((n) => Number.isInteger(n.value) && n.value >= 1))
          return bad('positive integers such as 1 -> 16 -> 1');
        if (v.numbers.length > MAX_LAYERS + 1)
          return this.limit(v.span, `'${s.key}' has ${v.numbers.length - 1} layers; txc allows at most ${MAX_LAYERS}`);
        for (const n of v.numbers) if (n.value > MAX_CHANNELS) return this.tooLarge(s.key, n, MAX_CHANNELS);
        return v.numbers.map((n) => n.value);
      case 'list': {
        if (v?.kind !== 'list' || v.items.some((i) => i.word !== undefined || !i.number)) return bad('a list of numbers such as [0, 0, 1]');
        const nums = v.items.map((i) => i.number!);
        const wild = nums.find((n) => !(Math.abs(n.value) <= MAX_REAL));
        return wild ? this.tooLarge(s.key, wild, MAX_REAL) : nums.map((n) => n.value);
      }
      case 'steps': {
        if (v?.kind !== 'list') return bad('a list such as [emulator 2, reference 1]');
        const out: { word: string; n: number }[] = [];
        for (const it of v.items) {
          if (it.word !== 'emulator' && it.word !== 'reference')
            return bad("steps named 'emulator' or 'reference', e.g. [emulator 2, reference 1]", it.span);
          const n = it.number?.value ?? 1;
          if (!Number.isInteger(n) || n < 1) return bad('a positive count after each step', it.span);
          if (n > MAX_ROLLOUT) return this.tooLarge(s.key, it.number!, MAX_ROLLOUT);
          out.push({ word: it.word, n });
        }
        return out;
      }
      case 'sub':
        if (v?.kind !== 'word') return bad(kind.of === 'stepper' ? 'a solver such as advection1d { cfl 0.5 }' : 'a network such as conv1d { … }');
        return s;
      case 'string':
        return v?.kind === 'string' ? v.value : bad('a quoted string');
      case 'file': {
        if (v?.kind === 'word' && v.word === 'file' && v.path && !v.block) return v.path.value;
        const laws = Object.keys(kind.laws ?? {});
        if (v?.kind !== 'word' || v.path || !laws.length) return bad(laws.length ? `file "PATH" or one of ${laws.join(', ')}` : 'file and a quoted path');
        if (!laws.includes(v.word)) {
          this.report.error({ ...v.span, length: v.word.length }, `unknown ${s.key} '${v.word}'`, didYouMean(v.word, ['file', ...laws]));
          return undefined;
        }
        // A drawn law: the setting itself, as for a 'sub', its block read as the law's options.
        return this.options(s.key, v.word, v.block, kind.laws) ? s : undefined;
      }
      default:
        return kind satisfies never;
    }
  }

  private positiveInt(s: RawSetting, what: string, n: RawNumber, span: Span, max = MAX_ROLLOUT): number | undefined {
    if (!Number.isInteger(n.value) || n.value < 1) {
      this.report.error(span, `'${s.key} ${what}' must be a positive integer, got ${n.text}`, `e.g. ${s.key} ${what} 2`);
      return undefined;
    }
    if (n.value > max) return this.tooLarge(`${s.key} ${what}`, n, max);
    return n.value;
  }

  /** Reads the block after `key word`, where that word takes one; false when a block follows a word that takes none. */
  private options(key: string, word: string, block: RawBlock | undefined, options: Readonly<Record<string, Schema>> | undefined): boolean {
    const schema = options?.[word];
    if (schema) {
      this.nested.set(key, new Settings(block?.settings ?? [], schema, `the ${word} ${key}`, this.report));
      return true;
    }
    if (!block) return true;
    const some = Object.keys(options ?? {}).map((w) => `${key} ${w}`);
    this.report.error(block.span, `'${key} ${word}' takes no options`, some.length ? `only ${some.join(', ')} take${some.length === 1 ? 's' : ''} a { … } block` : 'remove the { … } block');
    return false;
  }

  private tooLarge(key: string, n: RawNumber, max: number): undefined {
    const what = max === MAX_REAL ? `a number of magnitude at most ${max} (a 32-bit float)` : `at most ${max}`;
    return this.limit(n.span, `'${key}' must be ${what}, got ${n.text}`);
  }

  private limit(span: Span, message: string): undefined {
    this.report.error(span, message, "txc's limits keep every stage of the compiler bounded; docs/language.md lists them under Limits");
    return undefined;
  }

  /** The settings of the block after `key`'s word, where that word takes one (absent block: every default). */
  sub(key: string): Settings | undefined {
    return this.nested.get(key);
  }
  has(key: string): boolean {
    return this.values.has(key);
  }
  setting(key: string): RawSetting | undefined {
    return this.values.get(key)?.s;
  }
  /** Where to point at for `key`: its setting, or `fallback` when it is absent. */
  span(key: string, fallback: Span): Span {
    return this.values.get(key)?.s.span ?? fallback;
  }
  valueSpan(key: string, fallback: Span): Span {
    const s = this.values.get(key)?.s;
    return s?.value?.span ?? s?.span ?? fallback;
  }
  number(key: string): number {
    const v = this.values.get(key)?.v;
    if (typeof v === 'number') return v;
    const k = this.schema[key];
    const def = k && 'def' in k ? k.def : undefined;
    if (typeof def !== 'number') throw new Error(`internal: ${key} has no default`);
    return def;
  }
  /** The value, else the schema's default, else `fallback` (a default that depends on another option). */
  numberOr(key: string, fallback: number): number {
    const k = this.schema[key];
    return this.optionalNumber(key) ?? (k && 'def' in k && typeof k.def === 'number' ? k.def : fallback);
  }
  optionalString(key: string): string | undefined {
    const v = this.values.get(key)?.v;
    return typeof v === 'string' ? v : undefined;
  }
  optionalNumber(key: string): number | undefined {
    const v = this.values.get(key)?.v;
    return typeof v === 'number' ? v : undefined;
  }
  bool(key: string): boolean {
    const v = this.values.get(key)?.v;
    if (typeof v === 'boolean') return v;
    const k = this.schema[key];
    return k?.t === 'bool' ? k.def : false;
  }
  word<W extends string>(key: string): W {
    const v = this.values.get(key)?.v;
    if (typeof v === 'string') return v as W;
    const k = this.schema[key];
    if (k?.t !== 'word' || k.def === undefined) throw new Error(`internal: ${key} has no default`);
    return k.def as W;
  }
  list(key: string): number[] | undefined {
    const v = this.values.get(key)?.v;
    return Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number') ? (v as number[]) : undefined;
  }
  steps(key: string): { word: string; n: number }[] | undefined {
    const v = this.values.get(key)?.v;
    return Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' ? (v as { word: string; n: number }[]) : undefined;
  }
  /** A record of every key of the given schema (numbers, per-axis lists, coefficient lists, flags, words), defaults filled in. */
  numbers(schema: Schema): Record<string, ParamValue> {
    return Object.fromEntries(Object.keys(schema).map((k) => [k, this.param(k)]));
  }
  private param(key: string): ParamValue {
    const kind = this.schema[key];
    if (kind?.t === 'list') return this.list(key) ?? kind.def ?? [];
    if (kind?.t === 'bool') return this.bool(key);
    if (kind?.t === 'word') return this.word(key);
    return this.perAxis(key) ?? this.number(key);
  }
  private perAxis(key: string): number[] | undefined {
    const v = this.values.get(key)?.v;
    return this.schema[key]?.t === 'number' && Array.isArray(v) ? (v as number[]) : undefined;
  }
}

function single(v: RawValue | undefined) {
  return v?.kind === 'chain' && v.numbers.length === 1 ? v.numbers[0] : undefined;
}

function example(key: string, kind: ValueKind): string {
  switch (kind.t) {
    case 'int':
      return `e.g. ${key} ${Math.max(kind.min, kind.def ?? 1)}`;
    case 'number':
      return `e.g. ${key} ${kind.def ?? 0.5}`;
    case 'bool':
      return `e.g. ${key} true`;
    case 'word':
      return `e.g. ${key} ${kind.def ?? kind.choices[0]}`;
    case 'chain':
      return `e.g. ${key} 1 -> 16 -> 1`;
    case 'list':
      return `e.g. ${key} [0, 0, 1]`;
    case 'steps':
      return `e.g. ${key} [emulator 2, reference 1]`;
    case 'flag':
      return `write just '${key}'`;
    case 'flag_every':
      return `write '${key}' or '${key} every 2'`;
    case 'every':
      return `e.g. ${key} every 2`;
    case 'sub':
      return kind.of === 'stepper' ? `e.g. ${key} advection1d { cfl 0.5 }` : `e.g. ${key} conv1d { channels 1 -> 8 -> 1 }`;
    case 'string':
      return `e.g. ${key} "file.npy"`;
    case 'file':
      return `e.g. ${key} file "u0.npy"`;
    default:
      return kind satisfies never;
  }
}
