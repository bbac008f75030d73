// Syntax highlighting from the compiler's own lexer: the spans of `.tx` text
// and the class each one gets. Comments are a skipped group in the lexer, so
// they are the `#...` runs outside every token. Pure, for tests and the editor.
import type { IToken } from 'chevrotain';
import { STATEMENT_KEYWORDS, txLexer } from '../../src/dsl/lexer.js';

export type TokenClass = 'keyword' | 'kind' | 'fn' | 'name' | 'number' | 'string' | 'comment' | 'operator' | 'punct';

export interface Span {
  from: number;
  /** Exclusive. */
  to: number;
  cls: TokenClass;
}

const KEYWORDS = new Set(['Data', 'Emulator', 'Reference', 'Residuum', 'Config', 'Train', 'Composite', 'Every', 'Where', 'Nondifferentiable']);
const STATEMENTS = new Set(STATEMENT_KEYWORDS.map((w) => w[0]!.toUpperCase() + w.slice(1)));
const OPERATORS = new Set(['Arrow', 'Equals', 'Plus', 'Minus', 'Star', 'Slash']);
/** Words that open a nested stepper or network in a correction emulator. */
const NESTED = new Set(['coarse', 'net']);

export function highlightSpans(text: string): Span[] {
  const { tokens } = txLexer.tokenize(text);
  const spans: Span[] = [];
  tokens.forEach((t, i) => {
    const cls = classOf(tokens, i);
    if (cls) spans.push({ from: t.startOffset, to: t.startOffset + t.image.length, cls });
  });
  // Comments: '#' to the end of the line, wherever no token covers the '#'.
  const covered = (at: number) => {
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = tokens[mid]!;
      if (at < t.startOffset) hi = mid - 1;
      else if (at >= t.startOffset + t.image.length) lo = mid + 1;
      else return true;
    }
    return false;
  };
  for (let at = text.indexOf('#'); at >= 0; at = text.indexOf('#', at + 1)) {
    if (covered(at)) continue;
    const end = text.indexOf('\n', at);
    spans.push({ from: at, to: end < 0 ? text.length : end, cls: 'comment' });
    if (end < 0) break;
    at = end;
  }
  // Spans never overlap: a lexer error inside a comment's range is not possible, but be safe.
  spans.sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of spans) if (!out.length || s.from >= out.at(-1)!.to) out.push(s);
  return out;
}

function classOf(tokens: readonly IToken[], i: number): TokenClass | undefined {
  const [t, prev, next] = [tokens[i]!, tokens[i - 1], tokens[i + 1]];
  const type = t.tokenType.name;
  if (KEYWORDS.has(type)) return 'keyword';
  if (type === 'Number') return 'number';
  if (type === 'String') return 'string';
  if (OPERATORS.has(type)) return 'operator';
  if (type === 'Identifier') {
    if (next?.tokenType.name === 'LParen') return 'fn';
    const p = prev?.tokenType.name;
    if ((p && STATEMENTS.has(p)) || (prev && NESTED.has(prev.image))) return next?.tokenType.name === 'Equals' ? 'name' : 'kind';
    // `config short = supervised ...`: the word after '=' is the configuration's kind.
    if (p === 'Equals' && tokens[i - 3]?.tokenType.name === 'Config') return 'kind';
    return undefined;
  }
  return 'punct';
}
