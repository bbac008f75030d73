// From chevrotain's CST to a small untyped syntax tree with spans. Nothing is
// judged here: the checker gives meaning. Nodes left half-built by error
// recovery are skipped (their error is already reported).
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Expr, ListArg, NamedArg } from './ast.js';
import type { Span } from '../util/diagnostics.js';

export interface RawNumber {
  value: number;
  /** As written, for messages: a huge literal's value is rounded. */
  text: string;
  span: Span;
}
export interface RawListItem {
  word?: string;
  number?: RawNumber;
  span: Span;
}
export type RawValue =
  | { kind: 'chain'; numbers: RawNumber[]; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'list'; items: RawListItem[]; span: Span }
  | { kind: 'word'; word: string; path?: { value: string; span: Span }; block?: RawBlock; span: Span };
export interface RawSetting {
  key: string;
  keySpan: Span;
  value?: RawValue;
  every?: RawNumber;
  span: Span;
}
export interface RawBlock {
  settings: RawSetting[];
  span: Span;
}
export interface RawWord {
  word: string;
  span: Span;
}
export interface RawStepper {
  name: RawWord;
  params?: RawWord[];
  body?: Expr;
  where: { name: RawWord; expr: Expr }[];
  block?: RawBlock;
  nondifferentiable: boolean;
  span: Span;
}
export type RawConfigBody =
  | { kind: 'composite'; parts: { weight: RawNumber; star: Span; body: RawConfigBody; span: Span }[]; span: Span }
  | { kind: 'simple'; name: RawWord; settings: RawSetting[]; span: Span };
export type RawStatement =
  | { kind: 'data'; what: RawWord; path?: RawWord; block?: RawBlock; span: Span }
  | { kind: 'emulator'; name?: RawWord; what: RawWord; block?: RawBlock; span: Span }
  | { kind: 'reference' | 'residuum'; stepper: RawStepper; span: Span }
  | { kind: 'config'; name?: RawWord; body: RawConfigBody; span: Span }
  | { kind: 'train'; block: RawBlock; span: Span }
  | { kind: 'study'; name: RawWord; items: RawStudyItem[]; span: Span };
/** `vary PATH [values]`, or a setting of words and a number (`seeds 5`, `report nrmse mean up to 100`). */
export type RawStudyItem =
  | { kind: 'vary'; path: RawWord[]; values: RawListItem[]; valuesSpan: Span; span: Span }
  | { kind: 'setting'; key: RawWord; words: RawWord[]; number?: RawNumber; span: Span };

// ── spans ───────────────────────────────────────────────────────────────────

function isToken(e: CstElement): e is IToken {
  return (e as IToken).image !== undefined;
}

export function tokenSpan(t: IToken): Span {
  return { offset: t.startOffset, line: t.startLine ?? 1, column: t.startColumn ?? 1, length: t.image.length };
}

/** Tokens inserted by error recovery have no place and leave a node's location alone. */
function spanOf(n: CstNode): Span {
  const l = n.location;
  if (!l || !Number.isFinite(l.startOffset)) return { offset: 0, line: 1, column: 1, length: 1 };
  return { offset: l.startOffset, line: l.startLine ?? 1, column: l.startColumn ?? 1, length: (l.endOffset ?? l.startOffset) - l.startOffset + 1 };
}

// ── helpers over CST children ──────────────────────────────────────────────

function nodes(n: CstNode, label: string): CstNode[] {
  return (n.children[label] ?? []).filter((c): c is CstNode => !isToken(c) && !c.recoveredNode);
}
function node(n: CstNode, label: string): CstNode | undefined {
  return nodes(n, label)[0];
}
function toks(n: CstNode, label: string): IToken[] {
  return (n.children[label] ?? []).filter((c): c is IToken => isToken(c) && !c.isInsertedInRecovery);
}
function tok(n: CstNode, label: string): IToken | undefined {
  return toks(n, label)[0];
}
function word(t: IToken | undefined): RawWord | undefined {
  return t && { word: t.image, span: tokenSpan(t) };
}

// ── the tree ────────────────────────────────────────────────────────────────

export function toSyntax(spec: CstNode): RawStatement[] {
  const out: RawStatement[] = [];
  for (const st of nodes(spec, 'statement')) {
    const inner = Object.values(st.children).flat().find((c): c is CstNode => !isToken(c) && !c.recoveredNode);
    const s = inner && statement(inner);
    if (s) out.push(s);
  }
  return out;
}

function statement(n: CstNode): RawStatement | undefined {
  const span = spanOf(n);
  switch (n.name) {
    case 'dataStmt': {
      const what = word(tok(n, 'Identifier'));
      const str = tok(n, 'String');
      const b = node(n, 'block');
      if (!what) return undefined;
      const path = str && { word: str.image.slice(1, -1), span: tokenSpan(str) };
      return { kind: 'data', what, ...(path && { path }), ...(b && { block: block(b) }), span };
    }
    case 'emulatorStmt': {
      const what = word(tok(n, 'Identifier'));
      const name = word(tok(n, 'name'));
      const b = node(n, 'block');
      return what && { kind: 'emulator', ...(name && { name }), what, ...(b && { block: block(b) }), span };
    }
    case 'referenceStmt':
    case 'residuumStmt': {
      const s = node(n, 'stepper');
      const st = s && stepper(s);
      return st && { kind: n.name === 'referenceStmt' ? 'reference' : 'residuum', stepper: st, span };
    }
    case 'configStmt': {
      const b = node(n, 'configBody');
      const body = b && configBody(b);
      const name = word(tok(n, 'name'));
      return body && { kind: 'config', ...(name && { name }), body, span };
    }
    case 'trainStmt': {
      const b = node(n, 'block');
      return b && { kind: 'train', block: block(b), span };
    }
    case 'studyStmt': {
      const name = word(tok(n, 'Identifier'));
      return name && { kind: 'study', name, items: nodes(n, 'studyItem').flatMap((i) => studyItem(i) ?? []), span };
    }
  }
  return undefined;
}

function studyItem(n: CstNode): RawStudyItem | undefined {
  const span = spanOf(n);
  const p = node(n, 'path');
  const l = node(n, 'list');
  if (tok(n, 'Vary')) {
    const path = p ? toks(p, 'segment').map((t) => word(t)!) : [];
    return path.length && l ? { kind: 'vary', path, values: listItems(l), valuesSpan: spanOf(l), span } : undefined;
  }
  const key = word(tok(n, 'key'));
  const num = node(n, 'signedNumber');
  return key && { kind: 'setting', key, words: toks(n, 'word').map((t) => word(t)!), ...(num && { number: signedNumber(num) }), span };
}

function listItems(l: CstNode): RawListItem[] {
  return nodes(l, 'listItem').map((it) => {
    const w = tok(it, 'word');
    const num = node(it, 'signedNumber');
    return { ...(w && { word: w.image }), ...(num && { number: signedNumber(num) }), span: spanOf(it) };
  });
}

function stepper(n: CstNode): RawStepper | undefined {
  const name = word(tok(n, 'Identifier'));
  if (!name) return undefined;
  const e = node(n, 'expr');
  const b = node(n, 'block');
  const w = node(n, 'whereClause');
  const where = w
    ? nodes(w, 'binding').flatMap((bn) => {
        const nm = word(tok(bn, 'Identifier'));
        const ex = node(bn, 'expr');
        return nm && ex ? [{ name: nm, expr: expr(ex) }] : [];
      })
    : [];
  const params = toks(n, 'param').map((t) => word(t)!);
  return {
    name,
    ...(e && { params, body: expr(e) }),
    where,
    ...(b && { block: block(b) }),
    nondifferentiable: tok(n, 'Nondifferentiable') !== undefined,
    span: spanOf(n),
  };
}

function configBody(n: CstNode): RawConfigBody | undefined {
  if (tok(n, 'Composite')) {
    const parts = nodes(n, 'compositePart').flatMap((p) => {
      const w = node(p, 'signedNumber');
      const b = node(p, 'configBody');
      const body = b && configBody(b);
      const star = tok(p, 'Star');
      return w && star && body ? [{ weight: signedNumber(w), star: tokenSpan(star), body, span: spanOf(p) }] : [];
    });
    return { kind: 'composite', parts, span: spanOf(n) };
  }
  const name = word(tok(n, 'kind'));
  return name && { kind: 'simple', name, settings: nodes(n, 'setting').map(setting), span: spanOf(n) };
}

function block(n: CstNode): RawBlock {
  return { settings: nodes(n, 'setting').map(setting), span: spanOf(n) };
}

function setting(n: CstNode): RawSetting {
  const key = tok(n, 'key')!;
  const v = node(n, 'value');
  const every = node(n, 'signedNumber');
  const value = v && valueOf(v);
  return {
    key: key.image,
    keySpan: tokenSpan(key),
    ...(value && { value }),
    ...(every && { every: signedNumber(every) }),
    span: spanOf(n),
  };
}

function valueOf(n: CstNode): RawValue | undefined {
  const span = spanOf(n);
  const nums = nodes(n, 'signedNumber');
  if (nums.length) return { kind: 'chain', numbers: nums.map(signedNumber), span };
  const str = tok(n, 'String');
  if (str) return { kind: 'string', value: str.image.slice(1, -1), span };
  const l = node(n, 'list');
  if (l) return { kind: 'list', items: listItems(l), span };
  const w = tok(n, 'word');
  const b = node(n, 'block');
  const p = tok(n, 'path');
  return w && { kind: 'word', word: w.image, ...(p && { path: { value: p.image.slice(1, -1), span: tokenSpan(p) } }), ...(b && { block: block(b) }), span };
}

function signedNumber(n: CstNode): RawNumber {
  const num = tok(n, 'Number');
  const neg = tok(n, 'Minus') !== undefined;
  const v = num ? Number(num.image) : NaN;
  return { value: neg ? -v : v, text: `${neg ? '-' : ''}${num?.image ?? ''}`, span: spanOf(n) };
}

// ── expressions ─────────────────────────────────────────────────────────────

function expr(n: CstNode): Expr {
  return binaryChain(n, ['Plus', 'Minus'], term);
}

function term(n: CstNode): Expr {
  return binaryChain(n, ['Star', 'Slash'], factor);
}

function binaryChain(n: CstNode, opLabels: string[], operand: (c: CstNode) => Expr): Expr {
  const lhs = node(n, 'lhs');
  let acc = lhs ? operand(lhs) : missing(n);
  const ops = opLabels.flatMap((l) => toks(n, l)).sort((a, b) => a.startOffset - b.startOffset);
  const rhs = nodes(n, 'rhs');
  ops.forEach((o, i) => {
    const r = rhs[i];
    if (!r) return;
    const right = operand(r);
    const op = o.image as '+' | '-' | '*' | '/';
    acc = { kind: 'bin', op, lhs: acc, rhs: right, span: join(acc.span, right.span) };
  });
  return acc;
}

function factor(n: CstNode): Expr {
  const span = spanOf(n);
  const inner = node(n, 'factor');
  if (tok(n, 'Minus') && inner) return { kind: 'neg', arg: factor(inner), span };
  const num = tok(n, 'Number');
  if (num) return { kind: 'num', value: Number(num.image), span };
  const id = tok(n, 'Identifier');
  if (id) {
    if (tok(n, 'LParen')) return call(id.image, nodes(n, 'argument'), span);
    return { kind: 'var', name: id.image, span };
  }
  const e = node(n, 'expr');
  return e ? expr(e) : missing(n);
}

/** A call's arguments: expressions in order, lists (`[0, 1]`) with their places, the named ones (`axis 1`) apart. */
function call(fn: string, argNodes: CstNode[], span: Span): Expr {
  const args: Expr[] = [];
  const lists: ListArg[] = [];
  const named: NamedArg[] = [];
  for (const a of argNodes) {
    const name = tok(a, 'name');
    const num = node(a, 'signedNumber');
    const e = node(a, 'expr');
    if (name && num) {
      const { value, span: valueSpan } = signedNumber(num);
      named.push({ name: name.image, nameSpan: tokenSpan(name), value, valueSpan });
    } else if (tok(a, 'LBracket')) lists.push({ items: nodes(a, 'item').map(expr), position: args.length + lists.length, span: spanOf(a) });
    else if (e) args.push(expr(e));
  }
  return { kind: 'call', fn, args, lists, named, span };
}

function missing(n: CstNode): Expr {
  return { kind: 'num', value: NaN, span: spanOf(n) };
}

function join(a: Span, b: Span): Span {
  return { ...a, length: b.offset + b.length - a.offset };
}
