// What a `vary` path names, and a cell's statements: the file's, with the
// study dropped, one emulator and one configuration kept where those vary,
// and each varied setting written into its block as if the file said it.
//
//   vary emulator [a, b]      the named emulators of this file
//   vary config [a, b]        the named configurations
//   vary lr [...]             a train block option (any: lr, steps, batch, optimizer, …)
//   vary data.gamma [...]     an option of data, train, reference, residuum, emulator or config (every
//                             emulator, every configuration: an unnamed one's name, main, is the emulator's too)
//   vary NAME.width [...]     an option of the emulator or configuration called NAME
//   vary emulator.net.width   into a nested block (a correction's net)
import type * as A from './ast.js';
import type { Span } from '../util/diagnostics.js';
import { TRAIN } from './schema.js';
import type { Report } from './settings.js';
import { didYouMean } from './suggest.js';
import type { RawSetting, RawStatement, RawStudyItem, RawValue, RawWord } from './syntax.js';

type Statement = 'data' | 'train' | 'reference' | 'residuum' | 'emulator' | 'config';

export interface Axis {
  path: string;
  kind: 'emulator' | 'config' | 'setting';
  /** For a setting: the statements it goes into (by kind, and name where one is picked) and the keys into their blocks. */
  target?: { statement: Statement; name?: string; keys: RawWord[] };
  values: { text: string; value: RawValue }[];
  span: Span;
}

const BLOCKS = ['data', 'train', 'reference', 'residuum', 'emulator', 'config'] as const;

export function resolveAxis(item: Extract<RawStudyItem, { kind: 'vary' }>, statements: RawStatement[], spec: A.Spec, report: Report): Axis | undefined {
  const path = item.path.map((p) => p.word).join('.');
  const [head, ...keys] = item.path as [RawWord, ...RawWord[]];
  if (!item.values.length) {
    report.error(item.valuesSpan, `'vary ${path}' has no values`, 'e.g. vary lr [1e-3, 3e-4]');
    return undefined;
  }
  const values = item.values.flatMap((v) => {
    if (v.word !== undefined && v.number) {
      report.error(v.span, 'a value of a vary list is one number or one word', `e.g. vary ${path} [a, b]`);
      return [];
    }
    const value: RawValue = v.number ? { kind: 'chain', numbers: [v.number], span: v.span } : { kind: 'word', word: v.word!, span: v.span };
    return [{ text: v.number?.text ?? v.word!, value }];
  });
  if (values.length < item.values.length) return undefined;
  const dup = values.find((v, i) => values.findIndex((w) => w.text === v.text) !== i);
  if (dup) report.error(item.valuesSpan, `'${dup.text}' is listed twice`, 'each value once: a cell runs each value');
  const axis = (kind: Axis['kind'], target?: Axis['target']): Axis => ({ path, kind, ...(target && { target }), values, span: item.span });
  const emulators = spec.emulators.map((e) => e.name);
  const configs = spec.configs.map((c) => c.name);
  if (!keys.length && (head.word === 'emulator' || head.word === 'config')) {
    const names = head.word === 'emulator' ? emulators : configs;
    const bad = item.values.filter((v) => !names.includes(v.word ?? v.number?.text ?? ''));
    for (const v of bad) report.error(v.span, `this file has no ${head.word === 'emulator' ? 'emulator' : 'configuration'} named '${v.word ?? v.number?.text}'`, didYouMean(v.word ?? '', names));
    return bad.length ? undefined : axis(head.word);
  }
  if (!keys.length) {
    if (head.word in TRAIN) return axis('setting', { statement: 'train', keys: [head] });
    report.error(head.span, `cannot vary '${head.word}'`, `${didYouMean(head.word, ['emulator', 'config', ...Object.keys(TRAIN)])} An option of a block is written data.gamma, emulator.width or NAME.width`);
    return undefined;
  }
  const target = targetOf(head, emulators, configs);
  if (!target) {
    report.error(head.span, `'${head.word}' is not a statement, emulator or configuration of this file`, didYouMean(head.word, [...new Set([...BLOCKS, ...emulators, ...configs])]));
    return undefined;
  }
  const found = statements.filter((s) => matches(s, target.statement, target.name));
  if (!found.length && target.statement !== 'train') {
    report.error(head.span, `this file declares no ${head.word}`, `vary an option of what it declares: ${[...new Set(statements.map((s) => s.kind))].join(', ')}`);
    return undefined;
  }
  for (const s of found) {
    if (settingsOf(s, keys.slice(0, -1)) === undefined) {
      report.error(item.path[1]!.span, `'${path}' does not name a block of options in the ${s.kind} statement`, `the blocks it writes: ${blocksOf(s)}`);
      return undefined;
    }
  }
  return axis('setting', { ...target, keys });
}

function targetOf(head: RawWord, emulators: string[], configs: string[]): { statement: Statement; name?: string } | undefined {
  if ((BLOCKS as readonly string[]).includes(head.word)) return { statement: head.word as Statement };
  if (emulators.includes(head.word)) return { statement: 'emulator', name: head.word };
  if (configs.includes(head.word)) return { statement: 'config', name: head.word };
  return undefined;
}

/** A statement's name as the checker gives it: written, or `main` for a file's only one. */
function nameOf(s: RawStatement): string | undefined {
  return s.kind === 'emulator' || s.kind === 'config' ? (s.name?.word ?? 'main') : undefined;
}

function matches(s: RawStatement, statement: Statement, name?: string): boolean {
  return s.kind === statement && (name === undefined || nameOf(s) === name);
}

/** The settings `keys` lead to from a statement's top block; undefined where a key is not a nested block. */
function settingsOf(s: RawStatement, keys: readonly RawWord[]): readonly RawSetting[] | undefined {
  let settings = topSettings(s);
  for (const k of keys) {
    const v = settings?.find((x) => x.key === k.word)?.value;
    settings = v?.kind === 'word' ? v.block?.settings : undefined;
  }
  return settings;
}

function topSettings(s: RawStatement): readonly RawSetting[] | undefined {
  switch (s.kind) {
    case 'data':
    case 'emulator':
      return s.block?.settings ?? [];
    case 'train':
      return s.block.settings;
    case 'reference':
    case 'residuum':
      return s.stepper.body ? undefined : (s.stepper.block?.settings ?? []);
    case 'config':
      return s.body.kind === 'simple' ? s.body.settings : undefined;
    case 'study':
      return undefined;
  }
}

function blocksOf(s: RawStatement): string {
  const nested = (topSettings(s) ?? []).filter((x) => x.value?.kind === 'word' && x.value.block).map((x) => x.key);
  return nested.length ? nested.join(', ') : 'none (its options are set directly, e.g. emulator.width)';
}

/** The file as cell `choice` (one value index per axis, -1 for the file's own) runs it. */
export function cellStatements(statements: readonly RawStatement[], axes: readonly Axis[], choice: readonly number[]): RawStatement[] {
  let out: RawStatement[] = statements.filter((s) => s.kind !== 'study');
  // A varied setting of a file without a train block goes into an empty one.
  if (axes.some((a) => a.target?.statement === 'train') && !out.some((s) => s.kind === 'train'))
    out = [...out, { kind: 'train', block: { settings: [], span: axes[0]!.span }, span: axes[0]!.span }];
  axes.forEach((a, k) => {
    const v = a.values[choice[k]!];
    if (!v) return;
    if (a.kind !== 'setting') out = out.filter((s) => s.kind !== a.kind || nameOf(s) === v.text);
    else out = out.map((s) => (matches(s, a.target!.statement, a.target!.name) ? withSetting(s, a.target!.keys, v.value) : s));
  });
  return out;
}

function withSetting(s: RawStatement, keys: readonly RawWord[], value: RawValue): RawStatement {
  const set = (settings: readonly RawSetting[]) => setIn(settings, keys, value);
  switch (s.kind) {
    case 'data':
    case 'emulator':
      return { ...s, block: { settings: set(s.block?.settings ?? []), span: s.block?.span ?? s.span } };
    case 'train':
      return { ...s, block: { ...s.block, settings: set(s.block.settings) } };
    case 'reference':
    case 'residuum':
      return { ...s, stepper: { ...s.stepper, block: { settings: set(s.stepper.block?.settings ?? []), span: s.stepper.block?.span ?? s.span } } };
    case 'config':
      return s.body.kind === 'simple' ? { ...s, body: { ...s.body, settings: set(s.body.settings) } } : s;
    case 'study':
      return s;
  }
}

/** The setting at `keys` replaced (or added) with the varied value, its key spanning the vary path's word. */
function setIn(settings: readonly RawSetting[], keys: readonly RawWord[], value: RawValue): RawSetting[] {
  const [k, ...rest] = keys as [RawWord, ...RawWord[]];
  const i = settings.findIndex((x) => x.key === k.word);
  if (rest.length) {
    const v = settings[i]!.value as Extract<RawValue, { kind: 'word' }>;
    const block = { settings: setIn(v.block!.settings, rest, value), span: v.block!.span };
    return settings.map((x, j) => (j === i ? { ...x, value: { ...v, block } } : x));
  }
  const setting: RawSetting = { key: k.word, keySpan: k.span, value, span: value.span };
  return i < 0 ? [...settings, setting] : settings.map((x, j) => (j === i ? setting : x));
}
