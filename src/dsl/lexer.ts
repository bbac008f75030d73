// Tokens of the `.tx` language. Only statement keywords and `every`/`where`
// are reserved; every other word (configuration kinds, option names, values)
// is an Identifier, so the checker — not the parser — judges it and can say
// "did you mean …".
import { Lexer, createToken, type TokenType } from 'chevrotain';

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(word: string): TokenType {
  return createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(word), longer_alt: Identifier });
}

export const Data = keyword('data');
export const Emulator = keyword('emulator');
export const Reference = keyword('reference');
export const Residuum = keyword('residuum');
export const Config = keyword('config');
export const Train = keyword('train');
export const Composite = keyword('composite');
export const Every = keyword('every');
export const Where = keyword('where');
export const Nondifferentiable = keyword('nondifferentiable');
export const Study = keyword('study');
export const Vary = keyword('vary');

/** Words that begin a statement: recovery resynchronises on them. */
export const STATEMENT_KEYWORDS = ['data', 'emulator', 'reference', 'residuum', 'config', 'train', 'study'] as const;

export const NumberLit = createToken({ name: 'Number', pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/ });
export const StringLit = createToken({ name: 'String', pattern: /"[^"\n]*"/ });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
/** After NumberLit, so that `.5` stays a number: `data.gamma` in a study's `vary`. */
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Arrow,
  Data,
  Emulator,
  Reference,
  Residuum,
  Config,
  Train,
  Composite,
  Every,
  Where,
  Nondifferentiable,
  Study,
  Vary,
  Identifier,
  NumberLit,
  Dot,
  StringLit,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];

export const txLexer = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
