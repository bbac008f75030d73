// The `key value` pairs of a spec (`channels 1 -> 16`, `cfl -0.75`, `padding
// circular`, `cut_bptt every 2`), found with the compiler's lexer and the
// parser's own rule for which keys take a word value. The editor keeps each
// pair on one line when it wraps: `cfl` at the end of a line and `-0.75` at the
// start of the next reads as two options.
import type { IToken } from 'chevrotain';
import { txLexer } from '../../src/dsl/lexer.js';
import { takesWordValue } from '../../src/dsl/schema.js';

export interface Range {
  from: number;
  /** Exclusive. */
  to: number;
}

export function pairRanges(text: string): Range[] {
  const { tokens } = txLexer.tokenize(text);
  const out: Range[] = [];
  const type = (i: number) => tokens[i]?.tokenType.name;
  let i = 0;
  while (i < tokens.length) {
    const key = tokens[i]!;
    if (type(i) !== 'Identifier' || type(i + 1) === 'LParen') {
      i++;
      continue;
    }
    let j = i + 1;
    // Values: a number (signed), a chain `1 -> 16 -> 1`, a string, a list, `every N`, or one word the key takes.
    for (;;) {
      const [t, u] = [type(j), type(j + 1)];
      let n = 0;
      if (t === 'Number' || t === 'String') n = 1;
      else if ((t === 'Minus' || t === 'Arrow' || t === 'Every') && u === 'Number') n = 2;
      else if (t === 'LBracket') {
        let k = j;
        while (k < tokens.length && type(k) !== 'RBracket') k++;
        n = k < tokens.length ? k - j + 1 : 0;
      } else if (t === 'Identifier' && j === i + 1 && u !== 'LParen' && takesWordValue(key.image, tokens[j]!.image)) n = 1;
      if (!n || !sameLine(tokens, i, j + n - 1)) break;
      j += n;
    }
    if (j > i + 1) out.push({ from: key.startOffset, to: tokens[j - 1]!.startOffset + tokens[j - 1]!.image.length });
    i = j;
  }
  return out;
}

function sameLine(tokens: readonly IToken[], a: number, b: number): boolean {
  return tokens[b] !== undefined && tokens[a]!.startLine === tokens[b]!.startLine;
}
