// The compiler's side of the page, run in a Web Worker (worker.ts) so that a
// spec that takes seconds to compile never freezes the editor. It keeps the
// last compilation and answers for it: the views one at a time (a long
// rollout's IR is megabytes; only the tab on screen is sent) and, when the
// user trains, the graph the training step runs. Pure: vitest calls it in Node.
import { UserError, type Diagnostic } from '../../src/util/diagnostics.js';
import { checkSpec } from '../../src/driver/check.js';
import { Compilation, now, type CompiledConfig, type StageName } from '../../src/driver/compile.js';
import { callStats } from '../../src/passes/pipeline.js';
import { drawing, emulatorCalls, pickProgram, statsText } from './compile.js';

export type Tab = 'draw' | 'ir' | 'plan' | 'wgsl' | 'stats';

export interface CompileRequest {
  type: 'compile';
  text: string;
  file: string;
  config?: string | undefined;
  /** The per-snapshot shape of the data file the user picked, for a `data file` spec. */
  dataShape?: readonly number[] | undefined;
}
export interface ViewRequest {
  type: 'view';
  tab: Tab;
  stage: StageName;
}
export interface RunRequest {
  type: 'run';
}
export type Request = CompileRequest | ViewRequest | RunRequest;

export interface Compiled {
  type: 'compiled';
  diagnostics: Diagnostic[];
  /** A `data file` spec: the path it names, and whether it waits for the user to pick that file. */
  dataFile?: { path: string; waiting: boolean };
  /** Every configuration's name; `config` is the one compiled. */
  configs: string[];
  config?: string;
  /** What the compiled configuration gives, when it compiled. */
  result?: { summary: string; steps: number };
}
export interface View {
  type: 'view';
  tab: Tab;
  /** Absent when this worker has compiled nothing yet (it was restarted for a newer spec that has errors). */
  text?: string;
  emulatorCalls?: number;
}
/** The compiled configuration, for a training run in the page (plain data: it crosses postMessage). */
export interface RunInput extends CompiledConfig {
  type: 'run';
}
export type Response = Compiled | View | RunInput;

/** The worker's one piece of state: the last spec that compiled. */
let last: { compilation: Compilation; ms: { frontend: number; passes: number; codegen: number } } | undefined;

export function handle(req: Request): Response {
  switch (req.type) {
    case 'compile':
      return compile(req);
    case 'view':
      return view(req.tab, req.stage);
    case 'run': {
      const c = need();
      return { type: 'run', spec: c.spec, program: c.program, final: c.final };
    }
  }
}

function compile(req: CompileRequest): Compiled {
  const t0 = now();
  let fe;
  try {
    // A page cannot read paths: a `data file` spec takes its shape from the file the user picked, and waits for one.
    fe = checkSpec(req.text, req.file, () => req.dataShape);
  } catch (e) {
    return { type: 'compiled', diagnostics: [tooLarge(e, req.file)], configs: [] };
  }
  const frontendMs = now() - t0;
  const configs = fe.programs.map((p) => p.config.name);
  const program = pickProgram(fe, req.config);
  const data = fe.spec.data;
  const base: Compiled = { type: 'compiled', diagnostics: fe.diagnostics, configs, ...(data?.kind === 'file' && { dataFile: { path: data.path, waiting: fe.needsFile !== undefined } }) };
  if (!program) return base;
  let compilation: Compilation;
  try {
    compilation = new Compilation(fe.spec, program);
    void compilation.stages;
  } catch (e) {
    return { ...base, diagnostics: [...fe.diagnostics, tooLarge(e, req.file)] };
  }
  // A step too large for a GPU's buffers can still train on the CPU: its plan
  // tabs say why, and the Train button stays.
  const codegen = planned(() => compilation.codegen);
  last = { compilation, ms: { frontend: frontendMs, passes: compilation.passMs, codegen: typeof codegen === 'string' ? 0 : codegen.ms } };
  const total = last.ms.frontend + last.ms.passes + last.ms.codegen;
  const after = callStats(compilation.stages[1]!.graph);
  const calls = (['emulator', 'reference', 'residuum'] as const).filter((f) => after[f]).map((f) => `${after[f]} ${f}`);
  const kernels = typeof codegen === 'string' ? 'no GPU step' : `${codegen.plan.fusion.kernels.length} kernels`;
  return {
    ...base,
    config: program.config.name,
    result: {
      summary: `${calls.join(' · ')} calls per step · ${kernels} · compiled in ${total.toFixed(0)} ms`,
      steps: fe.spec.train.steps,
    },
  };
}

/** What `f` gives, or the message of the UserError it throws (a step the target cannot hold). */
function planned<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return `error: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`;
  }
}

/**
 * A spec the compiler cannot hold (a rollout of billions of steps, composites
 * nested hundreds deep) exhausts the engine's arrays or stack. That is the
 * user's input, not a compiler bug: it is said as a diagnostic. Anything else
 * is a bug and goes on up (the page reports it as one).
 */
function tooLarge(e: unknown, file: string): Diagnostic {
  if (e instanceof UserError) return { severity: 'error', file, line: 1, column: 1, length: 0, message: e.message, ...(e.hint && { hint: e.hint }) };
  if (!(e instanceof RangeError)) throw e;
  return {
    severity: 'error',
    file,
    line: 1,
    column: 1,
    length: 0,
    message: `this spec is too large to compile (${e.message})`,
    hint: 'use a shorter rollout or nest composites less deeply',
  };
}

function need(): Compilation {
  if (!last) throw new Error('internal: no spec has compiled yet');
  return last.compilation;
}

function view(tab: Tab, stage: StageName): View {
  if (!last) return { type: 'view', tab };
  const c = last.compilation;
  switch (tab) {
    case 'draw':
      return { type: 'view', tab, text: drawing(c.program), emulatorCalls: emulatorCalls(c.program) };
    case 'ir':
      return { type: 'view', tab, text: c.ir(stage) };
    case 'plan':
      return { type: 'view', tab, text: planned(() => c.plan()) };
    case 'wgsl':
      return { type: 'view', tab, text: planned(() => c.wgsl()) };
    case 'stats': {
      const ms = last.ms;
      return { type: 'view', tab, text: planned(() => statsText(c.stats(), ms)) };
    }
  }
}

