// The training panel: Train and Stop, the progress line, the loss curve, the
// summary `tx train` prints and the files it writes, for download; for a 2-D
// or 3-D state, the rollout's fields as `tx train`'s fields.svg draws them. On the GPU
// the progress line says `compiling N kernels…` until the first loss comes
// back, then that phase's time apart; steps/s and the ETA count training only.
import { UserError } from '../../src/util/diagnostics.js';
import { datasetOf, type DataFile } from '../../src/data/dataset.js';
import { prepareRun, type Run } from '../../src/driver/run.js';
import { openSession } from '../../src/driver/session.js';
import { summary } from '../../src/driver/summary.js';
import type { Device } from '../../src/train/executors.js';
import type { Params } from '../../src/runtime/params.js';
import type { LossRecord } from '../../src/train/trainer.js';
import type { RunInput } from './compile-job.js';
import { compiledText, RunClock } from '../../src/train/clock.js';
import { lossCsv } from '../../src/train/report.js';
import { resultFiles } from '../../src/train/run-files.js';
import { drawFigure } from './fields.js';
import { lossPlot } from './plot.js';

export interface TrainerElements {
  train: HTMLButtonElement;
  stop: HTMLButtonElement;
  steps: HTMLInputElement;
  device: HTMLSelectElement;
  progress: HTMLElement;
  chart: HTMLElement;
  chartEmpty: HTMLElement;
  summary: HTMLElement;
  /** The first test trajectory's rollout, drawn when a run finishes. */
  fields: HTMLCanvasElement;
  losses: HTMLElement;
  dl: HTMLButtonElement[];
}

/** What a run needs from the rest of the page when Train is pressed. */
export interface RunSource {
  file: string;
  input(): Promise<RunInput>;
  /** The trajectories the user picked for a `data file` spec. */
  data: DataFile | undefined;
}

export class Trainer {
  private training = false;
  private stopRequested = false;
  private ready = false;
  private deviceTouched = false;
  private stepsTouched = false;
  private readonly plot;

  constructor(
    private readonly el: TrainerElements,
    private readonly source: () => RunSource,
  ) {
    this.plot = lossPlot(el.chart);
    el.device.value = 'cpu';
    el.device.title = 'gpu: the compiled WGSL training step on this browser\u2019s WebGPU, in float32 (tx train --device gpu); cpu: the float64 interpreter, the reference (tx train --device cpu)';
    el.device.addEventListener('change', () => (this.deviceTouched = true));
    el.steps.addEventListener('input', () => (this.stepsTouched = true));
    el.train.addEventListener('click', () => void this.run());
    el.stop.addEventListener('click', () => {
      this.stopRequested = true;
      el.stop.disabled = true;
    });
  }

  /** WebGPU answered: train there, unless the user chose. */
  gpuAvailable(): void {
    if (!this.deviceTouched && !this.training) this.el.device.value = 'gpu';
  }

  /** Whether the current text compiled (and has its data), and the steps its train block asks for. */
  update(ready: boolean, specSteps?: number, newSpec = false): void {
    this.ready = ready;
    if (newSpec) this.stepsTouched = false;
    if (specSteps !== undefined && !this.stepsTouched) this.el.steps.value = String(specSteps);
    this.buttons();
  }

  private buttons(): void {
    const el = this.el;
    el.train.disabled = this.training || !this.ready;
    el.stop.disabled = !this.training;
    el.steps.disabled = this.training;
    el.device.disabled = this.training;
  }

  private async run(): Promise<void> {
    const el = this.el;
    if (this.training || !this.ready) return;
    const steps = Math.floor(Number(el.steps.value));
    if (!Number.isFinite(steps) || steps < 1) {
      el.summary.textContent = 'steps must be a whole number of at least 1';
      return;
    }
    const src = this.source();
    const device = el.device.value as Device;
    this.training = true;
    this.stopRequested = false;
    this.buttons();
    this.setDownloads(undefined);
    el.chartEmpty.hidden = true;
    el.summary.textContent = '';
    el.summary.className = 'code';
    el.fields.hidden = true;
    el.losses.textContent = '';
    try {
      const input = await src.input();
      const run = prepareRun(input, datasetOf(input.spec.data!, src.data), { steps });
      await this.train(run, device, src);
    } catch (e) {
      const hint = e instanceof UserError && e.hint ? `\n  hint: ${e.hint}` : '';
      el.summary.textContent = `error: ${e instanceof Error ? e.message : String(e)}${hint}`;
      el.summary.className = 'code failed';
      el.progress.textContent = '';
    }
    this.training = false;
    this.buttons();
  }

  private async train(run: Run, device: Device, src: RunSource): Promise<void> {
    const el = this.el;
    const xs: number[] = [];
    const ys: number[] = [];
    let last: LossRecord | undefined;
    let frame = 0;
    const clock = new RunClock(run.train.steps);
    el.progress.textContent = device === 'gpu' ? 'compiling…' : `preparing ${run.train.steps} steps…`;
    const session = await openSession(run, device);
    const { kernels, readback } = session.executor;
    if (kernels) {
      clock.compiling(kernels, readback);
      el.progress.textContent = `compiling ${kernels} kernels…`;
    }
    const draw = () => {
      frame = 0;
      this.plot.set(xs, ys);
      if (!last) return;
      const rate = clock.rate() ?? 0;
      const eta = (run.train.steps - last.step - 1) / Math.max(1e-9, rate);
      const c = clock.compiled();
      el.progress.textContent = `${c ? `${compiledText(c)} · ` : ''}step ${last.step + 1} / ${run.train.steps} · epoch ${last.epoch} · loss ${last.loss.toExponential(3)} · ${rate.toFixed(0)} steps/s${eta >= 1 && rate > 0 ? ` · ETA ${eta.toFixed(0)} s` : ''}`;
    };
    const res = await session
      .train({
        onStep(r) {
          clock.step(r.step + 1);
          last = r;
          xs.push(r.step);
          ys.push(r.loss > 0 ? r.loss : NaN);
          frame ||= requestAnimationFrame(draw);
        },
        stopRequested: () => this.stopRequested,
      })
      .finally(() => session.close());
    if (frame) cancelAnimationFrame(frame);
    draw();
    const s = summary(run, res, { file: src.file, device, seconds: clock.elapsed(), timing: clock.timing() });
    el.summary.textContent = [...s.lines, ...(s.error ? [s.error] : [])].join('\n');
    el.summary.className = `code ${res.outcome.status}`;
    if (s.fields) drawFigure(el.fields, s.fields);
    el.fields.hidden = !s.fields;
    el.losses.textContent = lossCsv(res.history);
    this.setDownloads({ params: res.checkpoint.params, history: res.history });
  }

  private setDownloads(r: { params: Params; history: LossRecord[] } | undefined): void {
    const files = r ? resultFiles(r.params, r.history) : [];
    this.el.dl.forEach((b, i) => {
      b.disabled = !r;
      b.onclick = r ? () => save(files[i]!.name, files[i]!.type, files[i]!.data) : null;
    });
  }
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
