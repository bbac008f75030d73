// `data file "PATH"` in a page: a browser cannot open a path on the user's
// disk, so the page asks for the file itself (an <input type=file>) and parses
// it with the CLI's own readers (src/data/files.ts: .npy and .json).
import { UserError } from '../../src/util/diagnostics.js';
import { DATA_EXTENSIONS, parseTrajectoryFile } from '../../src/data/files.js';
import type { DataFile } from '../../src/data/dataset.js';

export class DataPicker {
  private picked: DataFile | undefined;

  constructor(
    private readonly el: { box: HTMLElement; why: HTMLElement; input: HTMLInputElement; status: HTMLElement },
    onPicked: () => void,
  ) {
    el.input.accept = DATA_EXTENSIONS.join(',');
    el.input.addEventListener('change', async () => {
      const file = el.input.files?.[0];
      if (!file) return;
      try {
        const trajectories = parseTrajectoryFile(file.name, new Uint8Array(await file.arrayBuffer()));
        // Named as picked: the browser never sees the spec's path.
        this.picked = { name: file.name, trajectories };
        this.status('ok', `${file.name}: ${trajectories.shape[0]} trajectories of ${trajectories.shape[1]} snapshots, states [${trajectories.shape.slice(2).join(', ')}]`);
      } catch (e) {
        this.picked = undefined;
        const hint = e instanceof UserError && e.hint ? ` (hint: ${e.hint})` : '';
        this.status('error', `${e instanceof Error ? e.message : String(e)}${hint}`);
      }
      onPicked();
    });
  }

  get data(): DataFile | undefined {
    return this.picked;
  }

  /** Shown while the spec reads `data file PATH` (path given), hidden otherwise. */
  show(path: string | undefined): void {
    this.el.box.hidden = path === undefined;
    if (path === undefined) return;
    this.el.why.textContent = `This spec reads its data from "${path}". A browser cannot open paths on your disk: pick the file (${DATA_EXTENSIONS.join(' or ')}) to check, draw, compile and train the spec here.`;
  }

  private status(kind: 'ok' | 'error', text: string): void {
    this.el.status.className = `data-status ${kind}`;
    this.el.status.textContent = text;
  }
}
