// The front end of the compiler in one call, as every command uses it:
// text → checked AST → one verified chain graph per configuration, with the
// checks that need the unrolled graph (gradient flow, state shapes).
import type * as A from './dsl/ast.js';
import type { Diagnostic } from './util/diagnostics.js';
import { diagnosticAt, hasErrors } from './util/diagnostics.js';
import { parseSpec } from './dsl/index.js';
import type { Dim, Graph, Shape } from './ir/graph.js';
import type { GradFlow } from './ir/gradflow.js';
import { gradFlow } from './ir/gradflow.js';
import { lowerConfig } from './passes/lower.js';
import { checkNetworkShape } from './dsl/network-shape.js';
import { checkShiftAxes } from './dsl/shift.js';
import { cellDiagnostics } from './dsl/study-blame.js';
import { stateShape } from './data/steppers.js';
import { solverChannels } from './data/etdrk/catalogue.js';
import { isFftSize } from './wgsl/fft.js';
import { inline } from './passes/inline.js';
import { isSpectralSystem } from './dsl/schema.js';
import { generatorStepperParams, solverProblem } from './data/etdrk/diagnose.js';

export interface ChainProgram {
  config: A.ConfigDecl;
  graph: Graph;
  flow: GradFlow;
}

export interface Frontend {
  spec: A.Spec;
  diagnostics: Diagnostic[];
  /** Empty when there are errors. */
  programs: ChainProgram[];
}

/**
 * `dataShape` gives a data file's per-snapshot shape ([channels, ...space]);
 * generators know theirs.
 */
export function frontend(source: string, file: string, dataShape?: (path: string) => readonly number[]): Frontend {
  return checkParsed(parseSpec(source, file), dataShape);
}

/** The front end after parsing, for callers that look at the parse first. */
export function checkParsed(parsed: { spec: A.Spec; diagnostics: Diagnostic[] }, dataShape?: (path: string) => readonly number[]): Frontend {
  const { spec, diagnostics } = parsed;
  if (hasErrors(diagnostics)) return { spec, diagnostics, programs: [] };
  const snapshot = snapshotShape(spec.data!, dataShape);
  checkShapes(spec, snapshot, diagnostics);
  if (!hasErrors(diagnostics)) checkSpectralSolvers(spec, snapshot, diagnostics);
  if (hasErrors(diagnostics)) return { spec, diagnostics, programs: [] };
  const state: Shape = ['B' as Dim, ...snapshot];
  const programs = spec.configs.map((config) => {
    const graph = lowerConfig(config, state);
    const flow = gradFlow(graph);
    checkDifferentiable(spec, config, graph, flow, diagnostics);
    return { config, graph, flow };
  });
  // A study's cells through the checks above (shapes, gradient flow).
  const study = spec.study;
  if (study) diagnostics.push(...cellDiagnostics({ ...study, source: spec.source }, study.cells.map((c) => checkParsed({ spec: c.spec, diagnostics: [] }, dataShape).diagnostics), diagnostics));
  checkFftSizes(spec, snapshot, programs, diagnostics);
  return { spec, diagnostics, programs: hasErrors(diagnostics) ? [] : programs };
}

/** A warning where the graphs transform space (an FNO, a spectral solver) on a grid the GPU's FFT does not take: they run on the CPU only. */
function checkFftSizes(spec: A.Spec, snapshot: number[], programs: { graph: Graph }[], out: Diagnostic[]): void {
  const space = snapshot.slice(1);
  const bad = space.filter((n) => !isFftSize(n));
  // Inlined only then: the chain graph's calls hide the transforms.
  if (!bad.length || !programs.some((p) => inline(p.graph, spec).nodes.some((n) => n.op === 'rfft' || n.op === 'irfft'))) return;
  out.push(
    diagnosticAt(
      spec.file,
      spec.data!.span,
      `the spectral steps of this spec (an FNO, a spectral solver) run on the CPU only: the GPU's FFT takes 2 to 1024 points whose only prime factors are 2, 3 and 5, not ${bad[0]}`,
      'train with --device cpu, or use such a grid (160, 192 and 256 are)',
      'warning',
    ),
  );
}

export function snapshotShape(data: A.DataDecl, dataShape?: (path: string) => readonly number[]): number[] {
  if (data.kind === 'file') {
    if (!dataShape) throw new Error('internal: a data file needs a shape reader');
    return [...dataShape(data.path)];
  }
  return stateShape(data.generator, data.points, data.dims);
}

function checkShapes(spec: A.Spec, snapshot: number[], out: Diagnostic[]): void {
  const err = (span: A.Spec['configs'][number]['span'], msg: string, hint?: string) => out.push(diagnosticAt(spec.file, span, msg, hint));
  const spatial = snapshot.length >= 2;
  const emu = spec.emulator!;
  const net = emu.kind === 'correction' ? emu.net : emu;
  if (snapshot.length === 0) {
    // checkTrajectories refuses such a file too, but only when training starts.
    const path = spec.data!.kind === 'file' ? `"${spec.data!.path}"` : 'the data';
    err(spec.data!.span, `${path} has shape [trajectories, snapshots]: its states have no channel axis`, `for a convolutional emulator, save it as [trajectories, snapshots, channels, points]; for states without space, as [trajectories, snapshots, channels] (numpy: x[:, :, None]) with an mlp emulator`);
    return;
  }
  checkNetworkShape(net, snapshot, spec.data!.kind === 'file', err);
  for (const st of [spec.reference, spec.residuum]) if (st?.kind === 'expr') checkShiftAxes(st.body, snapshot, err);
  for (const st of [spec.reference, spec.residuum, emu.kind === 'correction' ? emu.coarse : undefined]) {
    if (st?.kind !== 'builtin') continue;
    const wantsSpace = st.name !== 'lorenz63';
    if (wantsSpace !== spatial || (!wantsSpace && snapshot[0] !== 3))
      err(st.span, `the ${st.name} solver does not act on the data's states of shape [${snapshot.join(', ')}]`);
    else if (wantsSpace && typeof st.params['cfl'] === 'object' && st.params['cfl'].length !== snapshot.length - 1)
      err(st.span, `the ${st.name} solver's cfl has ${st.params['cfl'].length} value${st.params['cfl'].length > 1 ? 's' : ''}, but the data's states [${snapshot.join(', ')}] have ${snapshot.length - 1} spatial axes`, 'give one number per axis, or one for all');
    else if (wantsSpace && isSpectralSystem(st.name) && solverChannels(st.name) > 1 && snapshot[0] !== solverChannels(st.name))
      err(st.span, `the ${st.name} solver steps states of ${solverChannels(st.name)} channels, but the data's states [${snapshot.join(', ')}] have ${snapshot[0]}`, `its data need ${solverChannels(st.name)} channels, one per field, such as data ${st.name} makes`);
    else if (wantsSpace && new Set(snapshot.slice(1)).size > 1)
      err(st.span, `the ${st.name} solver needs the same number of points on every spatial axis, but the data's states are [${snapshot.join(', ')}]`);
  }
}

/** Whether each ETDRK solver (the generator's, the reference's, the coarse one) can build its step's coefficients. */
function checkSpectralSolvers(spec: A.Spec, snapshot: number[], out: Diagnostic[]): void {
  const points = snapshot.at(-1)!;
  const dims = snapshot.length - 1;
  const report = (span: A.Spec['configs'][number]['span'], p: { message: string; hint: string } | undefined) => {
    if (p) out.push(diagnosticAt(spec.file, span, p.message, p.hint));
  };
  const data = spec.data!;
  if (data.kind === 'generator' && data.generator !== 'lorenz63')
    report(data.span, solverProblem(data.generator, data.method, generatorStepperParams(data.generator, data.params), points, dims));
  const emu = spec.emulator!;
  for (const st of [spec.reference, spec.residuum, emu.kind === 'correction' ? emu.coarse : undefined])
    if (st?.kind === 'builtin' && st.name !== 'lorenz63') report(st.span, solverProblem(st.name, st.method, st.params, points, dims));
}

function checkDifferentiable(spec: A.Spec, config: A.ConfigDecl, g: Graph, flow: GradFlow, out: Diagnostic[]): void {
  const ref = spec.reference;
  if (!ref || ref.differentiable || flow.vjp.size === 0) return;
  const first = g.nodes.find((n) => flow.vjp.has(n.id))!;
  const hint = hasDiverted(config.body)
      ? 'add cut_div_chain so the reference branch starts from a detached state, or drop nondifferentiable'
      : 'cut the gradient before the reference steps (cut_bptt), or drop nondifferentiable';
  out.push(
    diagnosticAt(
      spec.file,
      config.span,
      `a gradient flows through the reference stepper (first at %${first.id}), but it is declared nondifferentiable`,
      hint,
    ),
  );
}

function hasDiverted(b: A.ConfigBody): boolean {
  return b.kind === 'composite' ? b.parts.some((p) => hasDiverted(p.config)) : b.kind === 'diverted';
}
