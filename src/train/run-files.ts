// The files a run leaves: their names (`tx train` writes them all into its
// folder, outputs.ts) and the ones a page offers for download, made here so
// that both hold the same bytes. Browser-safe.
import { paramsToJson, type Params } from '../runtime/params.js';
import { lossCsv } from './report.js';
import { safetensors } from './safetensors.js';
import type { LossRecord } from './trainer.js';

export const RUN_FILES = {
  loss: 'loss.csv',
  params: 'params.json',
  safetensors: 'params.safetensors',
  plot: 'loss.svg',
  checkpoint: 'checkpoint.json',
  evaluation: 'evaluation.json',
} as const;

/** Written beside RUN_FILES when a run finishes, for states with two or more space axes only: the rollout as images. */
export const FIELDS_FILE = 'fields.svg';

export interface RunFile {
  name: string;
  /** Its media type, for a download. */
  type: string;
  data: string | Uint8Array;
}

/** The trained parameters (safetensors, JSON) and the loss history. */
export function resultFiles(params: Params, history: readonly LossRecord[]): RunFile[] {
  return [
    { name: RUN_FILES.safetensors, type: 'application/octet-stream', data: safetensors(params) },
    { name: RUN_FILES.params, type: 'application/json', data: paramsToJson(params) },
    { name: RUN_FILES.loss, type: 'text/csv', data: lossCsv(history) },
  ];
}
