// The grammar of `.tx`, pure (no actions): chevrotain builds a CST, and
// `syntax.ts` turns it into a small untyped tree. Settings are generic
// `key value? (every N)?` pairs so that one checker, driven by tables, judges
// every option and can suggest the right spelling.
//
//   spec       := statement*
//   statement  := data | emulator | reference | residuum | config | train | study
//   data       := 'data' Word String? block?
//   emulator   := 'emulator' (Word '=')? Word block?
//   reference  := 'reference' stepper          residuum := 'residuum' stepper
//   stepper    := Word ( '(' Word (',' Word)* ')' '=' expr where? | block? ) 'nondifferentiable'?
//   config     := 'config' (Word '=')? body
//   body       := 'composite' '{' (number '*' body)* '}' | Word setting*
//   train      := 'train' block
//   study      := 'study' Word '{' studyItem* '}'
//   studyItem  := 'vary' path list | Word Word* signedNumber?     (seeds 5, report nrmse mean up to 100)
//   path       := Word ('.' Word)*                                 (lr, data.gamma, emulator, fno.width)
//   setting    := Word value? ('every' number)?
//   value      := number ('->' number)* | String | list | Word block?
//   block      := '{' setting* '}'
//   expr       := term (('+' | '-') term)*      term := factor (('*' | '/') factor)*
//   factor     := '-' factor | number | Word ('(' argument (',' argument)* ')')? | '(' expr ')'
//   argument   := Word signedNumber | '[' expr (',' expr)* ']' | expr
import { CstParser, type CstNode, type IToken } from 'chevrotain';
import * as T from './lexer.js';
import { MAX_NESTING } from './limits.js';
import { takesWordValue } from './schema.js';

/** The words that start a study's settings (`vary` is a keyword). */
const STUDY_KEYS = new Set(['seeds', 'report']);

class TxParser extends CstParser {
  constructor() {
    // Each node's location, kept as it is built, gives spans without re-walking subtrees.
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  spec = this.RULE('spec', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.dataStmt) },
      { ALT: () => this.SUBRULE(this.emulatorStmt) },
      { ALT: () => this.SUBRULE(this.referenceStmt) },
      { ALT: () => this.SUBRULE(this.residuumStmt) },
      { ALT: () => this.SUBRULE(this.configStmt) },
      { ALT: () => this.SUBRULE(this.trainStmt) },
      { ALT: () => this.SUBRULE(this.studyStmt) },
    ]);
  });

  dataStmt = this.RULE('dataStmt', () => {
    this.CONSUME(T.Data);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.StringLit));
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  emulatorStmt = this.RULE('emulatorStmt', () => {
    this.CONSUME(T.Emulator);
    this.OPTION2(() => {
      this.CONSUME2(T.Identifier, { LABEL: 'name' });
      this.CONSUME(T.Equals);
    });
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.block));
  });

  referenceStmt = this.RULE('referenceStmt', () => {
    this.CONSUME(T.Reference);
    this.SUBRULE(this.stepper);
  });

  residuumStmt = this.RULE('residuumStmt', () => {
    this.CONSUME(T.Residuum);
    this.SUBRULE(this.stepper);
  });

  stepper = this.RULE('stepper', () => {
    this.CONSUME(T.Identifier);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'param' }) });
          this.CONSUME(T.RParen);
          this.CONSUME(T.Equals);
          this.SUBRULE(this.expr);
          this.OPTION(() => this.SUBRULE(this.whereClause));
        },
      },
      { ALT: () => this.OPTION2(() => this.SUBRULE(this.block)) },
    ]);
    this.OPTION3(() => this.CONSUME(T.Nondifferentiable));
  });

  whereClause = this.RULE('whereClause', () => {
    this.CONSUME(T.Where);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.binding) });
  });

  binding = this.RULE('binding', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  configStmt = this.RULE('configStmt', () => {
    this.CONSUME(T.Config);
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'name' });
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.configBody);
  });

  configBody = this.RULE('configBody', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Composite);
          this.CONSUME(T.LBrace);
          this.MANY(() => this.SUBRULE(this.compositePart));
          this.CONSUME(T.RBrace);
        },
      },
      {
        ALT: () => {
          // `residuum` is also a statement keyword.
          this.OR2([
            { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'kind' }) },
            { ALT: () => this.CONSUME(T.Residuum, { LABEL: 'kind' }) },
          ]);
          this.MANY2(() => this.SUBRULE(this.setting));
        },
      },
    ]);
  });

  compositePart = this.RULE('compositePart', () => {
    this.SUBRULE(this.signedNumber);
    this.CONSUME(T.Star);
    this.SUBRULE(this.configBody);
  });

  trainStmt = this.RULE('trainStmt', () => {
    this.CONSUME(T.Train);
    this.SUBRULE(this.block);
  });

  studyStmt = this.RULE('studyStmt', () => {
    this.CONSUME(T.Study);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.studyItem));
    this.CONSUME(T.RBrace);
  });

  studyItem = this.RULE('studyItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Vary);
          this.SUBRULE(this.path);
          this.SUBRULE(this.list);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'key' });
          // Items have no separator: a word that starts an item ends the one before.
          this.MANY({ GATE: () => !STUDY_KEYS.has(this.LA(1).image), DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'word' }) });
          this.OPTION(() => this.SUBRULE(this.signedNumber));
        },
      },
    ]);
  });

  path = this.RULE('path', () => {
    // The first segment may name a statement (`data.gamma`, `emulator`, `config`).
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Data, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Emulator, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Reference, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Residuum, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Config, { LABEL: 'segment' }) },
      { ALT: () => this.CONSUME(T.Train, { LABEL: 'segment' }) },
    ]);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier, { LABEL: 'segment' });
    });
  });

  block = this.RULE('block', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => this.SUBRULE(this.setting));
    this.CONSUME(T.RBrace);
  });

  setting = this.RULE('setting', () => {
    this.CONSUME(T.Identifier, { LABEL: 'key' });
    this.OPTION({
      // A word is a value only where the key takes one (`loss mse`), so that
      // `cut_bptt cut_div_chain` reads as two flags; a number followed by '*'
      // is the next composite part's weight. LA(0) is the key.
      GATE: () => (this.LA(1).tokenType === T.Identifier ? takesWordValue(this.LA(0).image, this.LA(1).image) : !this.compositeWeightAhead()),
      DEF: () => this.SUBRULE(this.value),
    });
    this.OPTION2(() => {
      this.CONSUME(T.Every);
      this.SUBRULE2(this.signedNumber);
    });
  });

  value = this.RULE('value', () => {
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.signedNumber);
          this.MANY(() => {
            this.CONSUME(T.Arrow);
            this.SUBRULE2(this.signedNumber);
          });
        },
      },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.SUBRULE(this.list) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'word' });
          // `ic file "u0.npy"`: a word that names where a path points.
          this.OPTION3(() => this.CONSUME2(T.StringLit, { LABEL: 'path' }));
          this.OPTION(() => this.SUBRULE(this.block));
        },
      },
    ]);
  });

  private compositeWeightAhead(): boolean {
    const [a, b, c] = [this.LA(1).tokenType, this.LA(2).tokenType, this.LA(3).tokenType];
    return (a === T.NumberLit && b === T.Star) || (a === T.Minus && b === T.NumberLit && c === T.Star);
  }

  list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.listItem) });
    this.CONSUME(T.RBracket);
  });

  listItem = this.RULE('listItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.signedNumber) },
      {
        // `chain [emulator 2, reference 1]` names statement keywords as items.
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'word' }) },
            { ALT: () => this.CONSUME(T.Emulator, { LABEL: 'word' }) },
            { ALT: () => this.CONSUME(T.Reference, { LABEL: 'word' }) },
          ]);
          this.OPTION(() => this.SUBRULE2(this.signedNumber));
        },
      },
    ]);
  });

  signedNumber = this.RULE('signedNumber', () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLit);
  });

  expr = this.RULE('expr', () => {
    this.SUBRULE(this.term, { LABEL: 'lhs' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.term, { LABEL: 'rhs' });
    });
  });

  term = this.RULE('term', () => {
    this.SUBRULE(this.factor, { LABEL: 'lhs' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.factor, { LABEL: 'rhs' });
    });
  });

  factor = this.RULE('factor', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.factor);
        },
      },
      { ALT: () => this.CONSUME(T.NumberLit) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION(() => {
            this.CONSUME(T.LParen);
            this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
            this.CONSUME(T.RParen);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LParen);
          this.SUBRULE2(this.expr);
          this.CONSUME2(T.RParen);
        },
      },
    ]);
  });

  argument = this.RULE('argument', () => {
    this.OR([
      {
        // A name followed by a number is never an expression (a name is
        // followed by an operator, '(' or the argument's end), so `axis 1`
        // is a named argument. `axis -1` reads like `c - 1`: taken as named
        // by its word, so that an axis counted from the end gets its message.
        GATE: () => this.LA(2).tokenType === T.NumberLit || (this.LA(1).image === 'axis' && this.LA(2).tokenType === T.Minus),
        IGNORE_AMBIGUITIES: true,
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: 'name' });
          this.SUBRULE(this.signedNumber);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expr, { LABEL: 'item' }) });
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.SUBRULE(this.expr) },
    ]);
  });
}

export const parser = new TxParser();

export interface ParseResult {
  /** Absent when the tokens nest too deeply to parse without overflowing the stack. */
  cst?: CstNode;
  tooDeep?: { token: IToken; what: string };
  lexErrors: { offset: number; line: number; column: number; length: number; message: string }[];
  parseErrors: { token: IToken; message: string; previous?: IToken; rule?: string }[];
}

export function parseCst(source: string): ParseResult {
  const lexed = T.txLexer.tokenize(source);
  const tooDeep = deepestNesting(lexed.tokens);
  let cst: CstNode | undefined;
  if (!tooDeep) {
    parser.input = lexed.tokens;
    cst = parser.spec();
  }
  return {
    ...(cst ? { cst } : { tooDeep }),
    lexErrors: lexed.errors.map((e) => ({
      offset: e.offset,
      line: e.line ?? 1,
      column: e.column ?? 1,
      length: e.length,
      message: e.message,
    })),
    parseErrors: (cst ? parser.errors : []).map((e) => ({
      token: e.token,
      message: e.message,
      previous: (e as { previousToken?: IToken }).previousToken,
      rule: e.context.ruleStack.at(-1),
    })),
  };
}

/**
 * The parser recurses once per open bracket and per '-' in a row (a unary
 * minus), so both are bounded before parsing: the first token past the limit.
 */
function deepestNesting(tokens: readonly IToken[]): { token: IToken; what: string } | undefined {
  let depth = 0;
  let minuses = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    minuses = type === T.Minus ? minuses + 1 : 0;
    if (minuses > MAX_NESTING) return { token: t, what: `more than ${MAX_NESTING} '-' in a row` };
    if (type === T.LBrace || type === T.LBracket || type === T.LParen) depth++;
    else if (type === T.RBrace || type === T.RBracket || type === T.RParen) depth = Math.max(0, depth - 1);
    if (depth > MAX_NESTING) return { token: t, what: `'${t.image}' opens a level of nesting deeper than ${MAX_NESTING}` };
  }
  return undefined;
}
