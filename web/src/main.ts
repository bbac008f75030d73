// The playground page: an editor for `.tx`, beside it what the compiler makes
// of the spec (live as you type, compiled in a worker so the page never
// freezes), and below that a training run with its loss curve. This file only
// finds the page's elements and hands them to the parts; the spec's state and
// its transitions are playground.ts's.
import './style.css';
import { Playground } from './playground.js';
import { decodeState } from './url.js';
import { detectWebGpu } from './webgpu-pill.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const page = new Playground(
  {
    editor: $('editor'),
    verdict: $('verdict'),
    diagnostics: $<HTMLUListElement>('diagnostics'),
    examples: $<HTMLSelectElement>('examples'),
    config: $<HTMLSelectElement>('config'),
    configField: $('config-field'),
    views: $('views'),
    stageField: $('stage-field'),
    stage: $<HTMLSelectElement>('stage'),
    summaryLine: $('summary-line'),
    picker: { box: $('data-picker'), why: $('data-why'), input: $<HTMLInputElement>('data-input'), status: $('data-status') },
    trainer: {
      train: $<HTMLButtonElement>('train'),
      stop: $<HTMLButtonElement>('stop'),
      steps: $<HTMLInputElement>('steps'),
      device: $<HTMLSelectElement>('device'),
      progress: $('progress'),
      chart: $('chart'),
      chartEmpty: $('chart-empty'),
      summary: $('summary'),
      fields: $<HTMLCanvasElement>('fields'),
      losses: $('losses'),
      dl: ['dl-safetensors', 'dl-json', 'dl-loss'].map((id) => $<HTMLButtonElement>(id)),
    },
  },
  new URL('./worker.js', import.meta.url),
  decodeState(location.hash),
);

window.addEventListener('hashchange', () => page.openLink(decodeState(location.hash)));

$<HTMLButtonElement>('share').addEventListener('click', async (e) => {
  const b = e.currentTarget as HTMLButtonElement;
  page.writeUrl();
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
  if (ok) page.trainer.gpuAvailable();
});
