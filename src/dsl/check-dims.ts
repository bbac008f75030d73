// The spatial dimensions a system or an APEBench preset is defined in
// (scenarios §12): a data block states its dims, and a reference or coarse
// solver takes the data's, so it is judged once every block is read.
import type * as A from './ast.js';
import type { SolverBlock } from './inherit.js';
import { presetNamed, type Preset } from './presets.js';
import { PLANAR_SYSTEMS } from './schema.js';
import type { Report } from './settings.js';
import type { Span } from '../util/diagnostics.js';

export function presetDimsMessage(name: string, preset: Preset, dims: number): string {
  return `the preset ${name} is defined in ${preset.dims.map((d) => `${d}-D`).join(' and ')}, but dims is ${dims}`;
}

/** Exponax allows it, but the conservative form is the derivative of the 1-D KS equation only. */
export function conservativeKsWarning(dims: number): [string, string] {
  return [
    `ks_conservative in ${dims}-D is the 1-D equation's conservative form applied along every axis, not the Kuramoto–Sivashinsky dynamics`,
    'use ks (the gradient-norm form) in 2-D and 3-D',
  ];
}

export function checkSolverDims(spec: A.Spec, solvers: readonly SolverBlock[], report: Report & { warning(span: Span, message: string, hint?: string): void }): void {
  const dims = spec.data?.kind === 'generator' ? spec.data.dims : undefined;
  if (!dims) return;
  for (const { stepper } of solvers) {
    const preset = stepper.preset === undefined ? undefined : presetNamed(stepper.preset);
    if (preset && !preset.dims.includes(dims)) report.error(stepper.span, presetDimsMessage(stepper.preset!, preset, dims), preset.why);
    else if (!preset && PLANAR_SYSTEMS.includes(stepper.name) && dims !== 2)
      report.error(stepper.span, `${stepper.name} is a 2-D system, but the data has ${dims} spatial ax${dims > 1 ? 'es' : 'is'}`, 'give the data dims 2');
    else if (stepper.name === 'ks_conservative' && dims > 1) report.warning(stepper.span, ...conservativeKsWarning(dims));
  }
}
