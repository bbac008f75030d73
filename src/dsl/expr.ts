// Stepper and residuum expressions: names, functions and arities are checked
// here; `where` constants are folded to numbers.
import type { Expr } from './ast.js';
import { MAX_REAL } from './limits.js';
import type { Report } from './settings.js';
import { didYouMean } from './suggest.js';

/** Elementwise functions of one state, and shift(state, cells): positional arguments (shift's `axis N` is named, apart). */
export const EXPR_FUNCTIONS: Readonly<Record<string, number>> = {
  shift: 2,
  tanh: 1,
  relu: 1,
  sigmoid: 1,
  gelu: 1,
  abs: 1,
  square: 1,
  sign: 1,
};

export const BUILTIN_CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI };

interface Scope {
  states: readonly string[];
  constants: Readonly<Record<string, number>>;
  report: Report;
  /** Where the expression must fold to a number (a `where` binding, a shift's offset): the hint for a state or a function in it. */
  constant: string | false;
}

export const WHERE_CONSTANT = "a 'where' constant may use only numbers and earlier constants";
const OFFSET_CONSTANT = "a shift's offset is a whole number of cells: numbers and 'where' constants, not states";

/** Checks `e`; returns its value when it is constant, else undefined. */
export function checkExpr(e: Expr, scope: Scope): number | undefined {
  switch (e.kind) {
    case 'num':
      // NaN stands for an operand the parser already reported missing.
      if (Math.abs(e.value) > MAX_REAL) {
        scope.report.error(e.span, `${e.value} does not fit a 32-bit float, the GPU's number type`, `numbers in expressions are at most ${MAX_REAL} in magnitude`);
        return undefined;
      }
      return e.value;
    case 'var': {
      if (e.name in scope.constants) return scope.constants[e.name];
      if (e.name in BUILTIN_CONSTANTS) return BUILTIN_CONSTANTS[e.name];
      if (scope.states.includes(e.name)) {
        if (scope.constant) scope.report.error(e.span, `'${e.name}' is a state, not a number`, scope.constant);
        return undefined;
      }
      const known = [...scope.states, ...Object.keys(scope.constants), ...Object.keys(BUILTIN_CONSTANTS)];
      scope.report.error(e.span, `unknown name '${e.name}'`, scope.constant || `${didYouMean(e.name, known)}; constants are bound with: where ${e.name} = 0.5`);
      return undefined;
    }
    case 'neg': {
      const v = checkExpr(e.arg, scope);
      return v === undefined ? undefined : -v;
    }
    case 'bin': {
      const a = checkExpr(e.lhs, scope);
      const b = checkExpr(e.rhs, scope);
      if (a === undefined || b === undefined) return undefined;
      const v = e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : a / b;
      if (!(Math.abs(v) <= MAX_REAL) && !Number.isNaN(a) && !Number.isNaN(b)) {
        scope.report.error(e.span, `this evaluates to ${v}, which a 32-bit float cannot hold`, 'look for a division by zero or an overflow among the constants');
        return undefined;
      }
      return v;
    }
    case 'call': {
      const arity = EXPR_FUNCTIONS[e.fn];
      if (arity === undefined) {
        scope.report.error(e.span, `unknown function '${e.fn}'`, didYouMean(e.fn, Object.keys(EXPR_FUNCTIONS)));
        return undefined;
      }
      if (scope.constant) {
        scope.report.error(e.span, `'${e.fn}' acts on states; this must be a number`, scope.constant);
        return undefined;
      }
      const given = e.args.length + e.lists.length;
      if (given !== arity) {
        scope.report.error(e.span, `'${e.fn}' takes ${arity} argument${arity > 1 ? 's' : ''}, got ${given}`, e.fn === 'shift' ? 'e.g. shift(u, 1) is u rolled one cell to the right' : undefined);
        return undefined;
      }
      if (e.fn === 'shift') return checkShiftArgs(e, scope);
      for (const l of e.lists) scope.report.error(l.span, `'${e.fn}' takes no list`, "lists are a shift's offsets, one per spatial axis: shift(u, [0, 1])");
      for (const a of e.named) scope.report.error(a.nameSpan, `'${e.fn}' takes no argument '${a.name}'`, 'only shift names one: shift(u, 1, axis 0)');
      if (e.lists.length === 0) checkExpr(e.args[0]!, scope);
      return undefined;
    }
    default:
      return e satisfies never;
  }
}

/**
 * shift(x, k), shift(x, k, axis N) or shift(x, [k0, k1, ...]): whole cells,
 * an axis written as a whole number, and a list or an axis, not both. Whether
 * the axis and the list fit the data's spatial axes is checked with the data
 * (shift.ts).
 */
function checkShiftArgs(e: Extract<Expr, { kind: 'call' }>, scope: Scope): undefined {
  const list = e.lists[0];
  if (list && list.position !== 1) {
    scope.report.error(list.span, 'shift rolls a state by offsets: the state comes first, the list of offsets second', 'e.g. shift(u, [0, 1])');
    return undefined;
  }
  checkExpr(e.args[0]!, scope);
  const whole = (x: Expr) => {
    const k = checkExpr(x, { ...scope, constant: OFFSET_CONSTANT });
    if (k !== undefined && !Number.isInteger(k)) scope.report.error(x.span, `shift moves by whole cells, got ${k}`, 'e.g. shift(u, 1) or shift(u, -1)');
  };
  if (!list) whole(e.args[1]!);
  else if (list.items.length === 0) scope.report.error(list.span, 'an empty list of offsets', 'give one offset per spatial axis, e.g. shift(u, [0, 1])');
  else list.items.forEach(whole);
  const seen = new Set<string>();
  for (const a of e.named) {
    if (a.name !== 'axis') scope.report.error(a.nameSpan, `shift has no argument '${a.name}'`, `${didYouMean(a.name, ['axis'])}; e.g. shift(u, 1, axis 0)`);
    else if (seen.has(a.name)) scope.report.error(a.nameSpan, 'a second axis', 'a shift moves along one axis; shift(u, [k0, k1]) moves along several');
    else if (list) scope.report.error(a.nameSpan, 'a list of offsets already gives every axis its offset', `write shift(u, [0, 1]) or shift(u, 1, axis ${Number.isNaN(a.value) ? 0 : a.value}), not both`);
    else if (!Number.isNaN(a.value) && !Number.isInteger(a.value)) scope.report.error(a.valueSpan, `axis ${a.value} is not an axis: axes are whole numbers`, 'spatial axes count from 0, e.g. shift(u, 1, axis 0)');
    seen.add(a.name);
  }
  return undefined;
}

/** Numbers, names and calls in `e`, counted without recursion: `e` may be too deep to recurse. */
export function exprTerms(e: Expr): number {
  let n = 0;
  const todo: Expr[] = [e];
  for (let x = todo.pop(); x; x = todo.pop()) {
    if (x.kind === 'bin') todo.push(x.lhs, x.rhs);
    else if (x.kind === 'neg') todo.push(x.arg);
    else {
      n++;
      if (x.kind === 'call') todo.push(...x.args, ...x.lists.flatMap((l) => l.items));
    }
  }
  return n;
}
