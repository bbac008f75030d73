// The tabs beside the editor: the drawing, the IR after any pass, the kernel
// plan, the WGSL and the stats of the last spec that compiled. Only the tab on
// screen is asked of the compiler worker (a long rollout's WGSL is megabytes).
import type { Tab } from './compile-job.js';
import type { StageName } from '../../src/driver/compile.js';
import { STAGE_NAMES } from '../../src/passes/pipeline.js';
import { Superseded, type CompilerWorker } from './compiler.js';

export class Views {
  private tab: Tab = 'draw';
  private stage: StageName = 'lower';
  /** Bumped per render: a slow answer for an older spec or tab is dropped. */
  private generation = 0;

  constructor(
    private readonly root: HTMLElement,
    stageField: HTMLElement,
    stageSelect: HTMLSelectElement,
    private readonly compiler: CompilerWorker,
  ) {
    stageSelect.replaceChildren(...STAGE_NAMES.map((s) => new Option(s, s)));
    stageSelect.addEventListener('change', () => {
      this.stage = stageSelect.value as StageName;
      void this.render();
    });
    const tabs = Array.from(root.querySelectorAll<HTMLButtonElement>('.tabs [role=tab]'));
    for (const b of tabs)
      b.addEventListener('click', () => {
        this.tab = b.dataset['tab'] as Tab;
        for (const o of tabs) o.setAttribute('aria-selected', String(o === b));
        for (const p of Array.from(root.querySelectorAll<HTMLElement>('.pane'))) p.hidden = p.id !== `pane-${this.tab}`;
        stageField.hidden = this.tab !== 'ir';
        void this.render();
      });
  }

  /** Dimmed: the panes show the last spec that compiled, not the text's. */
  stale(on: boolean): void {
    this.root.classList.toggle('stale', on);
  }

  async render(): Promise<void> {
    const generation = ++this.generation;
    const pane = this.root.querySelector<HTMLElement>(`#pane-${this.tab}`)!;
    let v;
    try {
      v = await this.compiler.view(this.tab, this.stage);
    } catch (e) {
      // Superseded: a newer compile renders again.
      if (!(e instanceof Superseded) && generation === this.generation) pane.textContent = `internal compiler error (please report it with this spec):\n${(e as Error).message}`;
      return;
    }
    if (generation !== this.generation || v.text === undefined) return;
    if (v.tab !== 'draw') {
      pane.textContent = v.text;
      return;
    }
    pane.innerHTML = v.text;
    fitDrawing(pane.querySelector('svg'));
    pane.dataset['emulatorCalls'] = String(v.emulatorCalls);
  }
}

/**
 * At its natural size, or grown to fill the pane up to 1.6 times; never
 * shrunk, so a long rollout stays legible and the pane scrolls sideways.
 */
function fitDrawing(svg: SVGSVGElement | null): void {
  if (!svg) return;
  const [w, h] = [Number(svg.getAttribute('width')), Number(svg.getAttribute('height'))];
  svg.setAttribute('preserveAspectRatio', 'xMidYMin meet');
  Object.assign(svg.style, { maxWidth: `${Math.round(w * 1.6)}px`, maxHeight: `${Math.round(h * 1.6)}px`, minWidth: `${w}px`, minHeight: `${h}px` });
}
