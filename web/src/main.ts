// The playground page: an editor for `.tx`, beside it what the compiler makes
// of the spec (live as you type, compiled in a worker so the page never
// freezes), and below that a training run with its loss curve. This file only
// wires the parts together; each lives in its own module.
import './style.css';
import type { Compiled } from './compile-job.js';
import { CompilerBug, CompilerWorker, Superseded } from './compiler.js';
import { DataPicker } from './data-file.js';
import { createEditor } from './editor.js';
import { CUSTOM_FILE, exampleText, fileFor, fillExamples } from './examples-menu.js';
import { Problems } from './problems.js';
import { Trainer } from './trainer-ui.js';
import { MAX_LINK_SPEC_CHARS, decodeState, encodeState } from './url.js';
import { Views } from './views.js';
import { detectWebGpu } from './webgpu-pill.js';

const DEFAULT_EXAMPLE = 'quickstart/rollout5.tx';
/** Typing pauses this long before a compile starts; a compile this long shows "compiling…". */
const DEBOUNCE_MS = 120;
const BUSY_AFTER_MS = 150;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const compiler = new CompilerWorker(new URL('./worker.js', import.meta.url));
const views = new Views($('views'), $('stage-field'), $<HTMLSelectElement>('stage'), compiler);
const trainer = new Trainer(
  {
    train: $<HTMLButtonElement>('train'),
    stop: $<HTMLButtonElement>('stop'),
    steps: $<HTMLInputElement>('steps'),
    device: $<HTMLSelectElement>('device'),
    progress: $('progress'),
    chart: $('chart'),
    chartEmpty: $('chart-empty'),
    summary: $('summary'),
    losses: $('losses'),
    dl: ['dl-safetensors', 'dl-json', 'dl-loss'].map((id) => $<HTMLButtonElement>(id)),
  },
  () => ({ file: state.file, input: () => compiler.runInput(), data: picker.data }),
);
const picker = new DataPicker({ box: $('data-picker'), why: $('data-why'), input: $<HTMLInputElement>('data-input'), status: $('data-status') }, () => compileNow());

const state = {
  file: DEFAULT_EXAMPLE,
  config: undefined as string | undefined,
  /** The last compile's answer; its views stay up (dimmed) while the text has errors. */
  last: undefined as Compiled | undefined,
  compiledOnce: false,
};

const initial = decodeState(location.hash);
state.config = initial.config;
let timer: ReturnType<typeof setTimeout> | undefined;
const editor = createEditor($('editor'), initial.spec ?? exampleText(initial.example ?? DEFAULT_EXAMPLE) ?? exampleText(DEFAULT_EXAMPLE)!, () => {
  clearTimeout(timer);
  timer = setTimeout(compileNow, DEBOUNCE_MS);
});
const problems = new Problems($('verdict'), $<HTMLUListElement>('diagnostics'), editor.goTo);

fillExamples($<HTMLSelectElement>('examples'), (text) => {
  state.config = undefined;
  editor.setText(text);
  trainer.update(false, undefined, true);
  compileNow();
});
if (initial.tooLong) refuseLink();
else compileNow();

async function compileNow(): Promise<void> {
  clearTimeout(timer);
  const text = editor.text();
  state.file = fileFor(text);
  $<HTMLSelectElement>('examples').value = state.file === CUSTOM_FILE ? '' : state.file;
  writeUrl(text);
  const busy = setTimeout(() => problems.compiling(), BUSY_AFTER_MS);
  trainer.update(false);
  let c: Compiled;
  try {
    c = await compiler.compile({ text, file: state.file, config: state.config, dataShape: picker.data?.trajectories.shape.slice(2) });
  } catch (e) {
    if (e instanceof Superseded) return;
    problems.bug(e instanceof CompilerBug ? e.message : String(e));
    return;
  } finally {
    // Also when superseded: a newer compile may finish before this timer fires.
    clearTimeout(busy);
  }
  state.last = c;
  editor.showDiagnostics(c.diagnostics);
  picker.show(c.dataFile?.path);
  if (c.dataFile?.waiting) problems.waitingForData();
  else problems.diagnostics(c.diagnostics);
  fillConfigs(c);
  views.stale(!c.result && state.compiledOnce);
  $('summary-line').textContent = c.result?.summary ?? (state.compiledOnce ? 'showing the last spec that compiled' : '');
  if (!c.result) return;
  state.compiledOnce = true;
  trainer.update(true, c.result.steps);
  await views.render();
}

function fillConfigs(c: Compiled): void {
  const select = $<HTMLSelectElement>('config');
  $('config-field').hidden = c.configs.length < 2;
  if (c.configs.join() !== Array.from(select.options, (o) => o.value).join()) select.replaceChildren(...c.configs.map((n) => new Option(n, n)));
  if (c.config) select.value = c.config;
}

$<HTMLSelectElement>('config').addEventListener('change', (e) => {
  state.config = (e.target as HTMLSelectElement).value;
  void compileNow();
});

/** A link whose spec is over the limit: nothing of it is decoded or compiled. */
function refuseLink(): void {
  problems.refused(
    `this link's spec is longer than the ${MAX_LINK_SPEC_CHARS} characters a spec may have, so the page did not open it`,
    'share the spec as a file instead, or pick an example',
  );
}

// ── the URL ─────────────────────────────────────────────────────────────────

function writeUrl(text: string): void {
  const hash = encodeState({ spec: text, ...(state.config && { config: state.config }) });
  if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname);
}

window.addEventListener('hashchange', () => {
  const s = decodeState(location.hash);
  if (s.tooLong) return refuseLink();
  const text = s.spec ?? (s.example !== undefined ? exampleText(s.example) : undefined);
  state.config = s.config;
  if (text !== undefined && text !== editor.text()) editor.setText(text);
  void compileNow();
});

$<HTMLButtonElement>('share').addEventListener('click', async (e) => {
  const b = e.currentTarget as HTMLButtonElement;
  writeUrl(editor.text());
  try {
    await navigator.clipboard.writeText(location.href);
    flash(b, 'Link copied');
  } catch {
    flash(b, 'Copy the address bar');
  }
});

function flash(b: HTMLButtonElement, text: string): void {
  const was = b.textContent;
  b.textContent = text;
  setTimeout(() => (b.textContent = was), 1500);
}

void detectWebGpu({ pill: $('gpu'), banner: $('no-webgpu'), gpuOption: $('device').querySelector<HTMLOptionElement>('option[value=gpu]')! }).then((ok) => {
  if (ok) trainer.gpuAvailable();
});
