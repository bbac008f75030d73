// The playground's state and its transitions. One object holds what the page
// knows about the spec on screen (the example it is, the configuration asked
// for, whether anything compiled yet) and changes it only in the methods
// below, one per thing the user does: edit, pick an example or a
// configuration, open a link. Each ends in a compile (in the worker), whose
// answer every part of the page is then set from, in one place (show).
import type { Compiled } from './compile-job.js';
import { CompilerBug, CompilerWorker, Superseded } from './compiler.js';
import { DataPicker } from './data-file.js';
import { createEditor, type Editor } from './editor.js';
import { CUSTOM_FILE, exampleText, fileFor, fillExamples } from './examples-menu.js';
import { Problems } from './problems.js';
import { Trainer, type TrainerElements } from './trainer-ui.js';
import { MAX_LINK_SPEC_CHARS, encodeState, type UrlState } from './url.js';
import { Views } from './views.js';

const DEFAULT_EXAMPLE = 'quickstart/rollout5.tx';
/** Typing pauses this long before a compile starts; a compile this long shows "compiling…". */
const DEBOUNCE_MS = 120;
const BUSY_AFTER_MS = 150;

export interface PlaygroundElements {
  editor: HTMLElement;
  verdict: HTMLElement;
  diagnostics: HTMLUListElement;
  examples: HTMLSelectElement;
  config: HTMLSelectElement;
  configField: HTMLElement;
  views: HTMLElement;
  stageField: HTMLElement;
  stage: HTMLSelectElement;
  summaryLine: HTMLElement;
  picker: ConstructorParameters<typeof DataPicker>[0];
  trainer: TrainerElements;
}

export class Playground {
  readonly trainer: Trainer;
  private readonly compiler: CompilerWorker;
  private readonly views: Views;
  private readonly picker: DataPicker;
  private readonly editor: Editor;
  private readonly problems: Problems;
  /** The example the text is, or CUSTOM_FILE: how the examples menu and the training summary name it. */
  private file = DEFAULT_EXAMPLE;
  /** The configuration asked for (by the menu or a link); the first one when unset or gone. */
  private config: string | undefined;
  /** Once a spec compiled, a text with errors leaves its views up, dimmed. */
  private compiledOnce = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `link`: the state the page was opened with (its URL's hash). */
  constructor(
    private readonly el: PlaygroundElements,
    worker: URL,
    link: UrlState,
  ) {
    this.compiler = new CompilerWorker(worker);
    this.views = new Views(el.views, el.stageField, el.stage, this.compiler);
    this.trainer = new Trainer(el.trainer, () => ({ file: this.file, input: () => this.compiler.runInput(), data: this.picker.data }));
    this.picker = new DataPicker(el.picker, () => void this.compile());
    this.config = link.config;
    const text = link.spec ?? exampleText(link.example ?? DEFAULT_EXAMPLE) ?? exampleText(DEFAULT_EXAMPLE)!;
    this.editor = createEditor(el.editor, text, () => this.edited());
    this.problems = new Problems(el.verdict, el.diagnostics, this.editor.goTo);
    fillExamples(el.examples, (t) => this.pickExample(t));
    el.config.addEventListener('change', () => this.pickConfig(el.config.value));
    if (link.tooLong) this.refuseLink();
    else void this.compile();
  }

  /** An example from the menu: its first configuration, and the steps its train block asks for. */
  pickExample(text: string): void {
    this.config = undefined;
    this.editor.setText(text);
    this.trainer.update(false, undefined, true);
    void this.compile();
  }

  pickConfig(name: string): void {
    this.config = name;
    void this.compile();
  }

  /** The URL's hash changed (a link pasted, back or forward). */
  openLink(s: UrlState): void {
    if (s.tooLong) return this.refuseLink();
    const text = s.spec ?? (s.example !== undefined ? exampleText(s.example) : undefined);
    this.config = s.config;
    if (text !== undefined && text !== this.editor.text()) this.editor.setText(text);
    void this.compile();
  }

  /** Puts the text and configuration in the URL, for a link that opens them. */
  writeUrl(): void {
    const hash = encodeState({ spec: this.editor.text(), ...(this.config && { config: this.config }) });
    if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname);
  }

  private edited(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.compile(), DEBOUNCE_MS);
  }

  private async compile(): Promise<void> {
    clearTimeout(this.timer);
    const text = this.editor.text();
    this.file = fileFor(text);
    this.el.examples.value = this.file === CUSTOM_FILE ? '' : this.file;
    this.writeUrl();
    const busy = setTimeout(() => this.problems.compiling(), BUSY_AFTER_MS);
    this.trainer.update(false);
    let c: Compiled;
    try {
      c = await this.compiler.compile({ text, file: this.file, config: this.config, dataShape: this.picker.data?.trajectories.shape.slice(2) });
    } catch (e) {
      if (e instanceof Superseded) return;
      this.problems.bug(e instanceof CompilerBug ? e.message : String(e));
      return;
    } finally {
      // Also when superseded: a newer compile may finish before this timer fires.
      clearTimeout(busy);
    }
    await this.show(c);
  }

  /** A compile's answer, on every part of the page. */
  private async show(c: Compiled): Promise<void> {
    this.editor.showDiagnostics(c.diagnostics);
    this.picker.show(c.dataFile?.path);
    if (c.dataFile?.waiting) this.problems.waitingForData();
    else this.problems.diagnostics(c.diagnostics);
    this.fillConfigs(c);
    this.views.stale(!c.result && this.compiledOnce);
    this.el.summaryLine.textContent = c.result?.summary ?? (this.compiledOnce ? 'showing the last spec that compiled' : '');
    if (!c.result) return;
    this.compiledOnce = true;
    this.trainer.update(true, c.result.steps);
    await this.views.render();
  }

  private fillConfigs(c: Compiled): void {
    const select = this.el.config;
    this.el.configField.hidden = c.configs.length < 2;
    if (c.configs.join() !== Array.from(select.options, (o) => o.value).join()) select.replaceChildren(...c.configs.map((n) => new Option(n, n)));
    if (c.config) select.value = c.config;
  }

  /** A link whose spec is over the limit: nothing of it is decoded or compiled. */
  private refuseLink(): void {
    this.problems.refused(
      `this link's spec is longer than the ${MAX_LINK_SPEC_CHARS} characters a spec may have, so the page did not open it`,
      'share the spec as a file instead, or pick an example',
    );
  }
}
