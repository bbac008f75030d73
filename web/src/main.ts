// The playground page: an editor for `.tx`, beside it what the compiler makes
// of the spec (live as you type), and below that a training run with its loss
// curve. Everything is computed by the modules in src/, bundled by scripts/web.mjs.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import examples from 'txc:examples';
import uPlot from 'uplot';
import { UserError, hasErrors, type Diagnostic } from '../../src/dsl/diagnostics.js';
import type { Frontend } from '../../src/frontend.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import type { Params } from '../../src/runtime/params.js';
import type { LossRecord, TrainResult } from '../../src/train/trainer.js';
import { Compilation, STAGE_NAMES, check, drawing, emulatorCalls, pickProgram, statsText, type StageName } from './compile.js';
import { createEditor } from './editor.js';
import { downloads, lossCsvText, makeExecutor, preparePageRun, summary, trainPage, type Device } from './train.js';
import { decodeState, encodeState } from './url.js';

const DEFAULT_EXAMPLE = 'quickstart/rollout5.tx';
const CUSTOM_FILE = 'spec.tx';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  examples: $<HTMLSelectElement>('examples'),
  configField: $('config-field'),
  config: $<HTMLSelectElement>('config'),
  share: $<HTMLButtonElement>('share'),
  gpu: $('gpu'),
  noWebgpu: $('no-webgpu'),
  verdict: $('verdict'),
  diagnostics: $<HTMLUListElement>('diagnostics'),
  stageField: $('stage-field'),
  stage: $<HTMLSelectElement>('stage'),
  summaryLine: $('summary-line'),
  views: $('views'),
  train: $<HTMLButtonElement>('train'),
  stop: $<HTMLButtonElement>('stop'),
  steps: $<HTMLInputElement>('steps'),
  device: $<HTMLSelectElement>('device'),
  progress: $('progress'),
  chart: $('chart'),
  summary: $('summary'),
  losses: $('losses'),
  dl: { safetensors: $<HTMLButtonElement>('dl-safetensors'), json: $<HTMLButtonElement>('dl-json'), loss: $<HTMLButtonElement>('dl-loss') },
};

// ── state ────────────────────────────────────────────────────────────────────

type Tab = 'draw' | 'ir' | 'plan' | 'wgsl' | 'stats';
const state = {
  file: DEFAULT_EXAMPLE,
  config: undefined as string | undefined,
  fe: undefined as Frontend | undefined,
  /** The last spec that compiled: its views stay up (dimmed) while the text has errors. */
  compiled: undefined as { compilation: Compilation; ms: { frontend: number; passes: number; codegen: number } } | undefined,
  tab: 'draw' as Tab,
  stage: 'lower' as StageName,
  stepsTouched: false,
  /** cpu until WebGPU answers; then gpu, unless the user chose. */
  deviceTouched: false,
  training: false,
  stop: false,
};

// ── the editor and the compile loop ─────────────────────────────────────────

const initial = decodeState(location.hash);
const exampleByPath = new Map(examples.map((e) => [e.path, e.text]));
const startText = initial.spec ?? exampleByPath.get(initial.example ?? DEFAULT_EXAMPLE) ?? exampleByPath.get(DEFAULT_EXAMPLE)!;
state.config = initial.config;

let timer: ReturnType<typeof setTimeout> | undefined;
const editor = createEditor($('editor'), startText, () => {
  clearTimeout(timer);
  timer = setTimeout(compileNow, 120);
});

fillExamples();
fillStages();
compileNow();

function fileFor(text: string): string {
  for (const e of examples) if (e.text === text) return e.path;
  return CUSTOM_FILE;
}

function compileNow(): void {
  clearTimeout(timer);
  const text = editor.text();
  state.file = fileFor(text);
  el.examples.value = state.file === CUSTOM_FILE ? '' : state.file;
  const t0 = performance.now();
  let fe: Frontend;
  try {
    fe = check(text, state.file);
  } catch (e) {
    showInternalError(e);
    return;
  }
  const frontendMs = performance.now() - t0;
  state.fe = fe;
  editor.showDiagnostics(fe.diagnostics);
  showDiagnostics(fe.diagnostics);
  writeUrl(text);
  const program = pickProgram(fe, state.config);
  fillConfigs(fe);
  if (!program) {
    el.views.classList.toggle('stale', !!state.compiled);
    el.summaryLine.textContent = state.compiled ? 'showing the last spec that compiled' : '';
    updateTrainButton();
    return;
  }
  try {
    const compilation = new Compilation(fe.spec, program);
    void compilation.stages;
    void compilation.codegen;
    state.compiled = { compilation, ms: { frontend: frontendMs, passes: compilation.passMs, codegen: compilation.codegen.ms } };
  } catch (e) {
    showInternalError(e);
    return;
  }
  el.views.classList.remove('stale');
  if (!state.stepsTouched) el.steps.value = String(fe.spec.train.steps);
  renderViews();
  updateTrainButton();
}

function showInternalError(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  el.verdict.className = 'verdict error';
  el.verdict.textContent = 'internal compiler error (please report it with this spec)';
  el.diagnostics.replaceChildren(li('error', '', msg));
  console.error(e);
}

function showDiagnostics(ds: readonly Diagnostic[]): void {
  const errors = ds.filter((d) => d.severity === 'error').length;
  const warnings = ds.length - errors;
  el.verdict.className = `verdict ${errors ? 'error' : warnings ? 'warning' : 'ok'}`;
  el.verdict.textContent = errors
    ? `${errors} error${errors > 1 ? 's' : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}`
    : warnings
      ? `ok, ${warnings} warning${warnings > 1 ? 's' : ''}`
      : 'ok: the spec checks';
  el.diagnostics.replaceChildren(
    ...ds.map((d) => {
      const item = li(d.severity, `${d.line}:${d.column}`, d.message, d.hint);
      item.addEventListener('click', () => editor.goTo(d.line, d.column));
      return item;
    }),
  );
}

function li(severity: string, loc: string, message: string, hint?: string): HTMLLIElement {
  const item = document.createElement('li');
  item.className = `diagnostic ${severity}`;
  item.dataset['line'] = loc.split(':')[0] ?? '';
  const l = document.createElement('span');
  l.className = 'loc';
  l.textContent = loc;
  const m = document.createElement('span');
  m.className = 'message';
  m.textContent = message;
  item.append(l, m);
  if (hint) {
    const h = document.createElement('div');
    h.className = 'hint';
    h.textContent = `hint: ${hint}`;
    item.append(h);
  }
  return item;
}

// ── the views ───────────────────────────────────────────────────────────────

function renderViews(): void {
  const c = state.compiled;
  if (!c) return;
  const { compilation } = c;
  const s = compilation.stats();
  const total = c.ms.frontend + c.ms.passes + c.ms.codegen;
  const calls = (['emulator', 'reference', 'residuum'] as const).filter((f) => s.calls.after[f]).map((f) => `${s.calls.after[f]} ${f}`);
  el.summaryLine.textContent = `${calls.join(' · ')} calls per step · ${s.plan.kernels} kernels · compiled in ${total.toFixed(0)} ms`;
  const pane = $(`pane-${state.tab}`);
  switch (state.tab) {
    case 'draw':
      pane.innerHTML = drawing(compilation.program);
      fitDrawing(pane.querySelector('svg'));
      pane.dataset['emulatorCalls'] = String(emulatorCalls(compilation.program));
      break;
    case 'ir':
      pane.textContent = compilation.ir(state.stage);
      break;
    case 'plan':
      pane.textContent = compilation.plan();
      break;
    case 'wgsl':
      pane.textContent = compilation.wgsl();
      break;
    case 'stats':
      pane.textContent = statsText(s, c.ms);
      break;
  }
}

/** Fits the pane, never blown up past 1.6 times its own size nor shrunk below 0.75 (then the pane scrolls). */
function fitDrawing(svg: SVGSVGElement | null): void {
  if (!svg) return;
  const [w, h] = [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))];
  svg.setAttribute('preserveAspectRatio', 'xMidYMin meet');
  Object.assign(svg.style, { maxWidth: `${Math.round(w * 1.6)}px`, maxHeight: `${Math.round(h * 1.6)}px`, minWidth: `${Math.round(w * 0.75)}px`, minHeight: `${Math.round(h * 0.75)}px` });
}

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('.tabs [role=tab]'))) {
  b.addEventListener('click', () => {
    state.tab = b.dataset['tab'] as Tab;
    for (const o of Array.from(document.querySelectorAll<HTMLButtonElement>('.tabs [role=tab]'))) o.setAttribute('aria-selected', String(o === b));
    for (const p of Array.from(document.querySelectorAll<HTMLElement>('.pane'))) p.hidden = p.id !== `pane-${state.tab}`;
    el.stageField.hidden = state.tab !== 'ir';
    renderViews();
  });
}

function fillStages(): void {
  el.stage.replaceChildren(...STAGE_NAMES.map((s) => new Option(s, s)));
  el.stage.addEventListener('change', () => {
    state.stage = el.stage.value as StageName;
    renderViews();
  });
}

function fillExamples(): void {
  const custom = new Option('(your spec)', '');
  custom.disabled = true;
  const groups = new Map<string, HTMLOptGroupElement>();
  const opts: (HTMLOptionElement | HTMLOptGroupElement)[] = [custom];
  for (const e of examples) {
    const slash = e.path.lastIndexOf('/');
    const folder = slash < 0 ? '' : e.path.slice(0, slash);
    const o = new Option(e.path.replace(/\.tx$/, ''), e.path);
    if (!folder) {
      opts.push(o);
      continue;
    }
    let g = groups.get(folder);
    if (!g) {
      g = document.createElement('optgroup');
      g.label = folder;
      groups.set(folder, g);
      opts.push(g);
    }
    g.append(o);
  }
  // The quickstart first: it is what the README starts with.
  opts.sort((a, b) => rank(a) - rank(b));
  el.examples.replaceChildren(...opts);
  el.examples.addEventListener('change', () => {
    const text = exampleByPath.get(el.examples.value);
    if (text === undefined) return;
    state.config = undefined;
    state.stepsTouched = false;
    editor.setText(text);
    compileNow();
  });
}

function rank(o: HTMLOptionElement | HTMLOptGroupElement): number {
  if (o instanceof HTMLOptionElement) return o.value === '' ? 0 : 4;
  return ['quickstart', 'showcase', 'lorenz'].indexOf(o.label) + 1 || 5;
}

function fillConfigs(fe: Frontend): void {
  const names = fe.programs.map((p) => p.config.name);
  el.configField.hidden = names.length < 2;
  if (names.join() !== Array.from(el.config.options).map((o) => o.value).join()) el.config.replaceChildren(...names.map((n) => new Option(n, n)));
  const current = pickProgram(fe, state.config);
  if (current) el.config.value = current.config.name;
}

el.config.addEventListener('change', () => {
  state.config = el.config.value;
  compileNow();
});

// ── the URL ─────────────────────────────────────────────────────────────────

function writeUrl(text: string): void {
  const hash = encodeState({ spec: text, ...(state.config && { config: state.config }) });
  if (hash !== location.hash) history.replaceState(null, '', hash || location.pathname);
}

window.addEventListener('hashchange', () => {
  const s = decodeState(location.hash);
  const text = s.spec ?? (s.example !== undefined ? exampleByPath.get(s.example) : undefined);
  state.config = s.config;
  if (text !== undefined && text !== editor.text()) editor.setText(text);
  compileNow();
});

el.share.addEventListener('click', async () => {
  writeUrl(editor.text());
  try {
    await navigator.clipboard.writeText(location.href);
    flash(el.share, 'Link copied');
  } catch {
    flash(el.share, 'Copy the address bar');
  }
});

function flash(b: HTMLButtonElement, text: string): void {
  const was = b.textContent;
  b.textContent = text;
  setTimeout(() => (b.textContent = was), 1500);
}

// ── WebGPU ──────────────────────────────────────────────────────────────────

const gpuOption = () => el.device.querySelector<HTMLOptionElement>('option[value=gpu]')!;
gpuOption().disabled = true;

async function detectWebGpu(): Promise<void> {
  const say = (ok: boolean, pill: string, banner?: string) => {
    gpuOption().disabled = !ok;
    el.gpu.textContent = pill;
    el.gpu.classList.add(ok ? 'ok' : 'bad');
    el.noWebgpu.hidden = !banner;
    if (banner) el.noWebgpu.textContent = banner;
    document.body.dataset['webgpu'] = String(ok);
  };
  const without = 'This browser has no WebGPU, so nothing here runs on your GPU. The page still checks, draws and compiles your spec (IR, kernels, WGSL), and trains on the CPU.';
  if (!('gpu' in navigator)) return say(false, 'WebGPU: not available', without);
  try {
    const device = await gpuDevice();
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const name = [info?.vendor, info?.architecture || info?.device || info?.description].filter(Boolean).join(' ');
    say(true, `WebGPU: ${name || 'available'}`);
    if (!state.deviceTouched && !state.training) el.device.value = 'gpu';
  } catch (e) {
    say(false, 'WebGPU: no adapter', `${without} (${e instanceof Error ? e.message : String(e)})`);
  }
}
void detectWebGpu();

// ── training ────────────────────────────────────────────────────────────────

el.device.value = 'cpu';
el.device.title = 'gpu: the compiled WGSL training step on this browser\u2019s WebGPU, in float32 (tx train --device gpu); cpu: the float64 interpreter, the reference (tx train --device cpu)';
el.device.addEventListener('change', () => (state.deviceTouched = true));

el.steps.addEventListener('input', () => (state.stepsTouched = true));

function updateTrainButton(): void {
  const ok = !!state.fe && !hasErrors(state.fe.diagnostics) && !!state.compiled && state.fe.spec.data?.kind === 'generator';
  el.train.disabled = state.training || !ok;
  el.stop.disabled = !state.training;
  el.steps.disabled = state.training;
  el.device.disabled = state.training;
}

const plot = makePlot();
let result: { params: Params; history: LossRecord[] } | undefined;

function makePlot(): uPlot {
  const opts: uPlot.Options = {
    width: Math.max(200, el.chart.clientWidth),
    height: Math.max(120, el.chart.clientHeight),
    scales: { x: { time: false }, y: { distr: 3 } },
    series: [
      { label: 'step' },
      { label: 'loss', stroke: '#1f5fa8', width: 1.5, points: { show: false }, value: (_u, v) => (v == null ? '–' : v.toExponential(4)) },
    ],
    axes: [
      { label: 'step', size: 36, labelSize: 16 },
      { label: 'loss', size: 60, labelSize: 16, values: (_u, vals) => vals.map((v) => (v == null ? '' : v.toExponential(0))) },
    ],
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
  };
  const p = new uPlot(opts, [[], []], el.chart);
  new ResizeObserver(() => p.setSize({ width: Math.max(200, el.chart.clientWidth), height: Math.max(120, el.chart.clientHeight) })).observe(el.chart);
  return p;
}

el.train.addEventListener('click', () => void runTraining());
el.stop.addEventListener('click', () => {
  state.stop = true;
  el.stop.disabled = true;
});

async function runTraining(): Promise<void> {
  const c = state.compiled;
  const fe = state.fe;
  if (!c || !fe || state.training) return;
  const steps = Math.floor(Number(el.steps.value));
  if (!Number.isFinite(steps) || steps < 1) {
    el.summary.textContent = 'steps must be a whole number of at least 1';
    return;
  }
  const file = state.file;
  const device = el.device.value as Device;
  const { compilation } = c;
  let run;
  try {
    run = preparePageRun(compilation.spec, compilation.program, compilation.final, { steps });
  } catch (e) {
    el.summary.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  state.training = true;
  state.stop = false;
  updateTrainButton();
  setDownloads(undefined);
  $('chart-empty').hidden = true;
  el.summary.textContent = '';
  el.losses.textContent = '';
  const xs: number[] = [];
  const ys: number[] = [];
  let last: LossRecord | undefined;
  let frame = 0;
  const draw = () => {
    frame = 0;
    plot.setData([xs, ys]);
    el.chart.dataset['points'] = String(xs.length);
    const secs = (performance.now() - t0) / 1000;
    el.progress.textContent = last
      ? `step ${last.step + 1} / ${run.train.steps} · epoch ${last.epoch} · loss ${last.loss.toExponential(3)} · ${(xs.length / Math.max(1e-3, secs)).toFixed(0)} steps/s`
      : '';
  };
  el.progress.textContent = device === 'gpu' ? 'compiling the training step for the GPU…' : `preparing ${run.train.steps} steps…`;
  let res: TrainResult;
  let t0 = performance.now();
  try {
    const exec = await makeExecutor(run, device);
    t0 = performance.now();
    res = await trainPage(exec, run, {
      onStep(r) {
        last = r;
        xs.push(r.step);
        ys.push(r.loss > 0 ? r.loss : NaN);
        frame ||= requestAnimationFrame(draw);
      },
      stopRequested: () => state.stop,
    });
  } catch (e) {
    const hint = e instanceof UserError && e.hint ? `\n  hint: ${e.hint}` : '';
    el.summary.textContent = `error: ${e instanceof Error ? e.message : String(e)}${hint}`;
    el.summary.className = 'code failed';
    el.progress.textContent = '';
    state.training = false;
    updateTrainButton();
    return;
  }
  if (frame) cancelAnimationFrame(frame);
  draw();
  const seconds = (performance.now() - t0) / 1000;
  const s = summary(run, res, file, device, seconds);
  el.summary.textContent = s.text;
  el.summary.className = `code ${res.outcome.status}`;
  el.losses.textContent = lossCsvText(res.history);
  result = { params: res.checkpoint.params, history: res.history };
  setDownloads(result);
  state.training = false;
  updateTrainButton();
}

function setDownloads(r: typeof result): void {
  const files = r ? downloads(r.params, r.history) : [];
  const buttons = [el.dl.safetensors, el.dl.json, el.dl.loss];
  buttons.forEach((b, i) => {
    b.disabled = !r;
    b.onclick = r ? () => save(files[i]!.name, files[i]!.type, files[i]!.data) : null;
  });
}

function save(name: string, type: string, data: string | Uint8Array): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
