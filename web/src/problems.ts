// The verdict line and the list of diagnostics under the editor.
import type { Diagnostic } from '../../src/util/diagnostics.js';

export class Problems {
  constructor(
    private readonly verdict: HTMLElement,
    private readonly list: HTMLUListElement,
    private readonly goTo: (line: number, column: number) => void,
  ) {}

  /** The diagnostics of the last compile stay listed until the new ones come. */
  compiling(): void {
    this.say('busy', 'compiling…');
  }

  /** A `data file` spec before its file is picked: nothing is wrong with the spec. */
  waitingForData(): void {
    this.say('waiting', 'waiting for the data file');
  }

  /** A link that asks for more than the page takes: said before anything is compiled. */
  refused(message: string, hint: string): void {
    this.say('error', 'link refused');
    this.list.replaceChildren(item('error', '', message, hint));
  }

  diagnostics(ds: readonly Diagnostic[]): void {
    const errors = ds.filter((d) => d.severity === 'error').length;
    const warnings = ds.length - errors;
    const w = warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '';
    if (errors) this.say('error', `${errors} error${errors > 1 ? 's' : ''}${w && `, ${w}`}`);
    else this.say(warnings ? 'warning' : 'ok', warnings ? `ok, ${w}` : 'ok: the spec checks');
    this.list.replaceChildren(
      ...ds.map((d) => {
        const li = item(d.severity, `${d.line}:${d.column}`, d.message, d.hint);
        li.addEventListener('click', () => this.goTo(d.line, d.column));
        return li;
      }),
    );
  }

  /** The compiler itself failed: a bug, never the user's input. */
  bug(message: string): void {
    this.say('error', 'internal compiler error (please report it with this spec)');
    this.list.replaceChildren(item('error', '', message));
  }

  private say(kind: string, text: string): void {
    this.verdict.className = `verdict ${kind}`;
    this.verdict.textContent = text;
    if (kind === 'waiting') this.list.replaceChildren();
  }
}

function item(severity: string, loc: string, message: string, hint?: string): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `diagnostic ${severity}`;
  li.dataset['line'] = loc.split(':')[0] ?? '';
  const l = document.createElement('span');
  l.className = 'loc';
  l.textContent = loc;
  const m = document.createElement('span');
  m.className = 'message';
  m.textContent = message;
  li.append(l, m);
  if (hint) {
    const h = document.createElement('div');
    h.className = 'hint';
    h.textContent = `hint: ${hint}`;
    li.append(h);
  }
  return li;
}
