// What a shift in an expression moves, along the data's spatial axes, which
// the checker does not know: a data file's rank is known only once it is
// read. Spatial axes count from 0, the first after the channels, in the
// order a list of offsets gives them: in 2-D, shift(u, 1, axis 1) is
// shift(u, [0, 1]), and shift(u, 1) without an axis rolls the last axis, as
// it did before shifts took an axis.
import type { Expr, NamedArg } from './ast.js';
import type { Span } from '../util/diagnostics.js';

type Call = Extract<Expr, { kind: 'call' }>;

/** One roll: `k` cells along spatial axis `axis` (0 is the first after the channels). */
export interface Move {
  axis: number;
  k: number;
}

/**
 * The rolls of a checked shift call on states with `dims` spatial axes, in
 * axis order; `value` folds an offset to its number. A list skips its zero
 * entries: a roll by 0 is the state itself.
 */
export function shiftMoves(e: Call, dims: number, value: (x: Expr) => number): Move[] {
  const list = e.lists[0];
  if (list) return list.items.map((x, axis) => ({ axis, k: value(x) })).filter((m) => m.k !== 0);
  return [{ axis: axisArg(e)?.value ?? dims - 1, k: value(e.args[1]!) }];
}

/**
 * Each shift's axis and list against the states' spatial axes: `snapshot` is
 * a state's shape [channels, ...space]. A shift without either rolls the
 * last axis of any state (Lorenz-63's three channels too).
 */
export function checkShiftAxes(body: Expr, snapshot: readonly number[], err: (span: Span, message: string, hint?: string) => void): void {
  const dims = snapshot.length - 1;
  const states = `the data's states [${snapshot.join(', ')}]`;
  const range = dims === 1 ? 'axis 0' : `axis 0 to axis ${dims - 1}`;
  for (const e of shiftCalls(body)) {
    const list = e.lists[0];
    const axis = axisArg(e);
    if (dims === 0 && (axis || list)) err(axis?.nameSpan ?? list!.span, `${states} have no spatial axis to shift along`, 'shift(u, k) without an axis rolls their last axis');
    else if (list && list.items.length > 0 && list.items.length !== dims)
      err(list.span, `this list has ${list.items.length} offset${list.items.length > 1 ? 's' : ''}, but ${states} have ${dims} spatial ax${dims > 1 ? 'es' : 'is'}`, `give one offset per axis, e.g. shift(u, [${Array.from({ length: dims }, (_, j) => (j === dims - 1 ? 1 : 0)).join(', ')}])`);
    else if (axis && Number.isInteger(axis.value) && (axis.value < 0 || axis.value >= dims)) {
      const fromEnd = axis.value < 0 && dims + axis.value >= 0 ? `; they do not count from the end: write axis ${dims + axis.value}` : '';
      err(axis.valueSpan, `axis ${axis.value} is out of range: ${states} have ${dims} spatial ax${dims > 1 ? 'es' : 'is'}`, `spatial axes count from 0: ${range}${fromEnd}`);
    }
  }
}

function axisArg(e: Call): NamedArg | undefined {
  return e.named.find((a) => a.name === 'axis');
}

/** The shift calls in `e`, found without recursion: `e` may be too deep to recurse. */
function* shiftCalls(e: Expr): Generator<Call> {
  const todo: Expr[] = [e];
  for (let x = todo.pop(); x; x = todo.pop()) {
    if (x.kind === 'bin') todo.push(x.lhs, x.rhs);
    else if (x.kind === 'neg') todo.push(x.arg);
    else if (x.kind === 'call') {
      if (x.fn === 'shift' && x.args.length + x.lists.length === 2) yield x;
      todo.push(...x.args);
    }
  }
}
