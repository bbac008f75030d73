// The `.tx` editor: CodeMirror 6, highlighted by the compiler's lexer, with the
// compiler's diagnostics as underlines (and gutter marks, and hover tooltips).
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, RangeSetBuilder, type Text } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  ViewPlugin,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { highlightSpans, type TokenClass } from './highlight.js';
import { pairRanges } from './pairs.js';

const marks = new Map<TokenClass, Decoration>();
const mark = (c: TokenClass) => {
  let m = marks.get(c);
  if (!m) marks.set(c, (m = Decoration.mark({ class: `tx-${c}` })));
  return m;
};

function decorations(doc: Text): DecorationSet {
  const b = new RangeSetBuilder<Decoration>();
  for (const s of highlightSpans(doc.toString())) b.add(s.from, s.to, mark(s.cls));
  return b.finish();
}

const pair = Decoration.mark({ class: 'tx-pair' });

function pairDecorations(doc: Text): DecorationSet {
  const b = new RangeSetBuilder<Decoration>();
  for (const r of pairRanges(doc.toString())) b.add(r.from, r.to, pair);
  return b.finish();
}

/** Specs are a few dozen lines: lexing the whole text per change costs well under a millisecond. */
const fromLexer = (make: (doc: Text) => DecorationSet) =>
  ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = make(view.state.doc);
      }
      update(u: ViewUpdate) {
        if (u.docChanged) this.decorations = make(u.state.doc);
      }
    },
    { decorations: (v) => v.decorations },
  );
const lexerHighlight = fromLexer(decorations);
/** Wrapped lines break between `key value` pairs, never inside one. */
const unbrokenPairs = fromLexer(pairDecorations);

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px', backgroundColor: '#ffffff' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace", lineHeight: '1.55' },
  '.cm-gutters': { backgroundColor: '#f7f7f8', borderRight: '1px solid #e4e4e7', color: '#9a9aa3' },
  '.cm-activeLine': { backgroundColor: '#f5f8fd' },
  '.cm-activeLineGutter': { backgroundColor: '#eaf0fa' },
  '&.cm-focused': { outline: 'none' },
  '.tx-pair': { whiteSpace: 'nowrap' },
  '.cm-tooltip-lint': { fontFamily: 'system-ui, sans-serif', fontSize: '12.5px', maxWidth: '520px' },
});

export interface Editor {
  view: EditorView;
  text(): string;
  /** Replaces the whole text (an example picked, a link opened); not an edit to undo into. */
  setText(text: string): void;
  showDiagnostics(ds: readonly Diagnostic[]): void;
  goTo(line: number, column: number): void;
}

export function createEditor(parent: HTMLElement, doc: string, onChange: (text: string) => void): Editor {
  const state = (text: string) =>
    EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        bracketMatching(),
        highlightActiveLine(),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        lexerHighlight,
        unbrokenPairs,
        theme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': '.tx spec', spellcheck: 'false' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    });
  const view = new EditorView({ state: state(doc), parent });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.setState(state(text));
      onChange(text);
    },
    showDiagnostics(ds) {
      view.dispatch(setDiagnostics(view.state, ds.map((d) => toCm(view.state.doc, d))));
    },
    goTo(line, column) {
      const at = offsetOf(view.state.doc, line, column);
      view.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
      view.focus();
    },
  };
}

function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return Math.min(l.from + Math.max(0, column - 1), l.to);
}

/** A compiler diagnostic as CodeMirror's: its line and column to offsets, its hint after the message. */
export function toCm(doc: Text, d: Diagnostic): CmDiagnostic {
  let from = offsetOf(doc, d.line, d.column);
  let to = Math.min(from + d.length, doc.line(doc.lineAt(from).number).to);
  // At the end of a line (e.g. "found the end of the file"), underline the character before.
  if (to === from) from > doc.lineAt(from).from ? (from -= 1) : (to = Math.min(doc.length, to + 1));
  return { from, to, severity: d.severity, message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message, source: 'txc' };
}
