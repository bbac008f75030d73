// Stepper and residuum expressions: names, functions and arities are checked
// here; `where` constants are folded to numbers.
import type { Expr } from './ast.js';
import { MAX_REAL } from './limits.js';
import type { Report } from './settings.js';
import { didYouMean } from './suggest.js';

/** Elementwise functions of one state, and shift(state, cells). */
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
  /** A `where` binding: must fold to a number. */
  constant: boolean;
}

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
      if (scope.states.includes(e.name)) return undefined;
      const known = [...scope.states, ...Object.keys(scope.constants), ...Object.keys(BUILTIN_CONSTANTS)];
      const what = scope.constant ? "a 'where' constant may use only numbers and earlier constants" : didYouMean(e.name, known);
      scope.report.error(e.span, `unknown name '${e.name}'`, scope.constant ? what : `${what}; constants are bound with: where ${e.name} = 0.5`);
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
        scope.report.error(e.span, `'${e.fn}' acts on states; a 'where' constant must be a number`);
        return undefined;
      }
      if (e.args.length !== arity) {
        scope.report.error(e.span, `'${e.fn}' takes ${arity} argument${arity > 1 ? 's' : ''}, got ${e.args.length}`, e.fn === 'shift' ? 'e.g. shift(u, 1) is u rolled one cell to the right' : undefined);
        return undefined;
      }
      checkExpr(e.args[0]!, scope);
      if (e.fn === 'shift') {
        const k = checkExpr(e.args[1]!, { ...scope, constant: true });
        if (k !== undefined && !Number.isInteger(k))
          scope.report.error(e.args[1]!.span, `shift moves by whole cells, got ${k}`, 'e.g. shift(u, 1) or shift(u, -1)');
      }
      return undefined;
    }
    default:
      return e satisfies never;
  }
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
      if (x.kind === 'call') todo.push(...x.args);
    }
  }
  return n;
}
