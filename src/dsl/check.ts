// The checker: syntax tree → checked AST. Every judgement about meaning lives
// here or in `settings.ts`, each with its own message, so that a user learns
// all of a file's mistakes at once.
import type * as A from './ast.js';
import type { Diagnostic, Span } from '../util/diagnostics.js';
import { diagnosticAt } from '../util/diagnostics.js';
import * as S from './schema.js';
import { Settings, type Report } from './settings.js';
import { didYouMean } from './suggest.js';
import type { RawBlock, RawStatement, RawStepper, RawWord } from './syntax.js';
import { checkBudget } from './budget.js';
import { checkStudy } from './study.js';
import { checkNetwork } from './check-network.js';
import { checkTrain } from './check-train.js';
import { checkInitialLaw } from './check-initial.js';
import { checkExpr, exprTerms, WHERE_CONSTANT } from './expr.js';
import { inheritDataOptions, type SolverBlock } from './inherit.js';
import { COARSE_PROPORTION, PRESET_NAMES, presetDataSchema, presetNamed, presetStepperSchema } from './presets.js';
import { checkSolverDims, conservativeKsWarning, presetDimsMessage } from './check-dims.js';
import { LIMITS_HINT, MAX_EXPR_TERMS } from './limits.js';
import { checkConfigBody } from './check-config.js';

const NO_SPAN: Span = { offset: 0, line: 1, column: 1, length: 1 };

export class Checker implements Report {
  readonly diagnostics: Diagnostic[] = [];
  private sawConfig = false;
  /** Every built-in solver with the options its block gives. */
  private readonly solvers: SolverBlock[] = [];
  constructor(
    readonly file: string,
    readonly source: string,
  ) {}

  error(span: Span, message: string, hint?: string): void {
    this.diagnostics.push(diagnosticAt(this.file, span, message, hint));
  }

  warning(span: Span, message: string, hint?: string): void {
    this.diagnostics.push(diagnosticAt(this.file, span, message, hint, 'warning'));
  }

  check(statements: RawStatement[]): A.Spec {
    const spec: A.Spec = { file: this.file, source: this.source, emulators: [], configs: [], train: this.train({ settings: [], span: NO_SPAN }) };
    let study: Extract<RawStatement, { kind: 'study' }> | undefined;
    const seen = new Map<string, Span>();
    const names = new Set<string>();
    const once = (kind: string, span: Span): boolean => {
      const prev = seen.get(kind);
      if (prev) {
        this.error(span, `a second '${kind}' declaration`, `the first is on line ${prev.line}; a file declares one ${kind}`);
        return false;
      }
      seen.set(kind, span);
      return true;
    };
    for (const st of statements) {
      switch (st.kind) {
        case 'data': {
          const d = this.data(st.what, st.path, st.block, st.span);
          if (once('data', st.span) && d) spec.data = d;
          break;
        }
        case 'emulator': {
          const e = this.emulator(st.what, st.block, st.span);
          if (st.name && spec.emulators.some((x) => x.name === st.name!.word))
            this.error(st.name.span, `emulator '${st.name.word}' is declared twice`, 'give each emulator its own name');
          else if (e) spec.emulators.push({ name: st.name?.word ?? '', decl: e, span: st.span });
          break;
        }
        case 'reference':
        case 'residuum': {
          const s = this.stepper(st.stepper, st.kind);
          if (once(st.kind, st.span) && s) spec[st.kind] = s;
          break;
        }
        case 'config': {
          this.sawConfig = true;
          const body = checkConfigBody(st.body, this);
          if (body) spec.configs.push({ name: st.name?.word ?? '', text: this.textOf(st.body.span), body, span: st.span });
          if (st.name && names.has(st.name.word))
            this.error(st.name.span, `configuration '${st.name.word}' is declared twice`, 'give each configuration its own name');
          if (st.name && body) names.add(st.name.word);
          break;
        }
        case 'train':
          if (once('train', st.span)) spec.train = this.train(st.block);
          break;
        case 'study':
          if (once('study', st.span)) study = st;
          break;
        default:
          st satisfies never;
      }
    }
    this.nameConfigs(spec);
    this.nameEmulators(spec);
    inheritDataOptions(spec, this.solvers);
    checkSolverDims(spec, this.solvers, this);
    this.crossCheck(spec);
    if (study) {
      const recheck = (cell: RawStatement[]) => {
        const c = new Checker(this.file, this.source);
        return { spec: c.check(cell), diagnostics: c.diagnostics };
      };
      const s = checkStudy(study, statements, spec, this, recheck, this.diagnostics);
      if (s) spec.study = s;
    }
    return spec;
  }

  private textOf(span: Span): string {
    return this.source.slice(span.offset, span.offset + span.length).replace(/\s+/g, ' ').trim();
  }

  /** One unnamed configuration is called `main`; several must be named. */
  private nameConfigs(spec: A.Spec): void {
    const unnamed = spec.configs.filter((c) => c.name === '');
    if (unnamed.length === 1 && !spec.configs.some((c) => c.name === 'main')) unnamed[0]!.name = 'main';
    else if (unnamed.length > 0 && spec.configs.length > 1)
      for (const c of unnamed)
        this.error(c.span, 'a file with several configurations must name each one', `e.g. config short = ${c.text}`);
  }

  /** Like configurations: one unnamed emulator is `main`, several are named; a run trains the first. */
  private nameEmulators(spec: A.Spec): void {
    const [first, ...more] = spec.emulators;
    if (first && !more.length && !first.name) first.name = 'main';
    for (const e of more.length ? spec.emulators : [])
      if (!e.name) this.error(e.span, 'a file with several emulators must name each one', `e.g. emulator small = ${this.textOf(e.span).replace(/^emulator\s+/, '')}`);
    if (first) spec.emulator = first.decl;
  }

  // ── data ──────────────────────────────────────────────────────────────────

  private data(what: RawWord, path: RawWord | undefined, block: RawBlock | undefined, span: Span): A.DataDecl | undefined {
    const settings = block?.settings ?? [];
    if (what.word === 'file') {
      if (!path) {
        this.error(what.span, "'data file' needs a path", 'e.g. data file "trajectories.npy"');
        return undefined;
      }
      const s = new Settings(settings, S.FILE_DATA, 'file data', this);
      return { kind: 'file', path: path.word, testTrajectories: s.number('test_trajectories'), span };
    }
    const preset = presetNamed(what.word);
    const generator = preset?.system ?? systemNamed(what.word);
    if (!generator) {
      this.error(what.span, `unknown data generator '${what.word}'`, didYouMean(what.word, [...SYSTEM_NAMES, ...PRESET_NAMES, 'file']));
      return undefined;
    }
    if (path) this.error(path.span, `a '${what.word}' generator takes no path`, 'a path goes with: data file "x.npy"');
    const s = new Settings(settings, preset ? presetDataSchema(preset) : S.dataSchema(generator), `${what.word} data`, this);
    const params = s.numbers({ ...S.SYSTEM_PARAMS[generator], ...S.GENERATOR_EXTRA[generator] });
    const points = generator === 'lorenz63' ? 0 : s.number('points');
    const dims = generator === 'lorenz63' ? 0 : s.number('dims');
    if (preset && !preset.dims.includes(dims)) this.error(s.span('dims', what.span), presetDimsMessage(what.word, preset, dims), preset.why);
    else if (S.PLANAR_SYSTEMS.includes(generator) && dims !== 2) this.error(s.span('dims', what.span), `${generator} is a 2-D system, but dims is ${dims}`, 'write dims 2');
    if (!preset && generator !== what.word && dims !== 1)
      this.error(s.span('dims', what.span), `'${what.word}' is the 1-D ${generator}, but dims is ${dims}`, `write data ${generator} { dims ${dims} … }`);
    // A grid of N points resolves Fourier modes below N/2 (Trainax's precondition).
    const modes = params['modes'];
    if (typeof modes === 'number' && 2 * modes >= points)
      this.error(s.span('modes', s.span('points', what.span)), `${modes} Fourier modes need more than ${2 * modes} points, but the grid has ${points}`, `raise points to at least ${2 * modes + 1}, or lower modes`);
    const cfl = params['cfl'];
    if (typeof cfl === 'object' && cfl.length !== dims)
      this.error(s.valueSpan('cfl', what.span), `cfl has ${cfl.length} value${cfl.length > 1 ? 's' : ''} but the data have ${dims} spatial ax${dims > 1 ? 'es' : 'is'}`, 'give one number per axis, or one for all');
    const icPath = s.optionalString('ic');
    const own = S.isSpectralSystem(generator) ? checkInitialLaw(s, generator, points, what.span, this) : undefined;
    const law = own ?? (preset?.ic && !s.setting('ic') ? { ...preset.ic, span: what.span } : undefined);
    const snapshots = s.number('snapshots');
    if (generator === 'ks_conservative' && dims > 1) this.warning(s.span('dims', what.span), ...conservativeKsWarning(dims));
    return {
      kind: 'generator',
      generator,
      ...(preset && { preset: what.word }),
      ...(icPath !== undefined && { ic: { path: icPath, span: s.valueSpan('ic', what.span) } }),
      ...(law && { law }),
      points,
      dims,
      trajectories: s.number('trajectories'),
      snapshots,
      testTrajectories: s.number('test_trajectories'),
      testSnapshots: s.numberOr('test_snapshots', snapshots),
      seed: s.number('seed'),
      params,
      method: s.word('method'),
      span,
    };
  }

  // ── emulator ──────────────────────────────────────────────────────────────

  private emulator(what: RawWord, block: RawBlock | undefined, span: Span): A.EmulatorDecl | undefined {
    if (what.word === 'correction') {
      const s = new Settings(block?.settings ?? [], S.CORRECTION, 'a correction emulator', this);
      const coarseS = s.setting('coarse');
      const netS = s.setting('net');
      if (!coarseS || !netS) {
        this.error(what.span, "a correction emulator needs both 'coarse' and 'net'", 'e.g. emulator correction { mode sequential  coarse advection1d { cfl 0.5 method upwind }  net conv1d { channels 1 -> 8 -> 1 } }');
        return undefined;
      }
      const cv = coarseS.value as { word: string; block?: RawBlock; span: Span };
      const nv = netS.value as { word: string; block?: RawBlock; span: Span };
      const coarse = this.builtinStepper({ word: cv.word, span: cv.span }, cv.block, false, 'coarse', coarseS.span);
      const net = checkNetwork({ word: nv.word, span: nv.span }, nv.block, netS.span, this);
      return coarse && net && { kind: 'correction', mode: s.word('mode'), coarse, net, span };
    }
    return checkNetwork(what, block, span, this);
  }

  // ── reference and residuum ────────────────────────────────────────────────

  private stepper(raw: RawStepper, role: 'reference' | 'residuum'): A.StepperDecl | undefined {
    if (raw.body) {
      const arity = role === 'reference' ? 1 : 2;
      const params = raw.params ?? [];
      if (params.length !== arity) {
        const want = role === 'reference' ? 'one state, e.g. fou(u)' : 'two states, e.g. r(next, prev)';
        this.error(raw.name.span, `a ${role} expression takes ${want}`);
        return undefined;
      }
      const terms = [raw.body, ...raw.where.map((w) => w.expr)].reduce((n, e) => n + exprTerms(e), 0);
      if (terms > MAX_EXPR_TERMS) {
        this.error(raw.name.span, `this ${role} has ${terms} terms; txc allows at most ${MAX_EXPR_TERMS} in one expression`, LIMITS_HINT);
        return undefined;
      }
      const constants: Record<string, number> = {};
      for (const w of raw.where) {
        const v = checkExpr(w.expr, { states: [], constants, report: this, constant: WHERE_CONSTANT });
        if (v !== undefined) constants[w.name.word] = v;
      }
      checkExpr(raw.body, { states: params.map((p) => p.word), constants, report: this, constant: false });
      return {
        kind: 'expr',
        name: raw.name.word,
        params: params.map((p) => p.word),
        body: raw.body,
        constants,
        differentiable: !raw.nondifferentiable,
        span: raw.span,
      };
    }
    return this.builtinStepper(raw.name, raw.block, raw.nondifferentiable, role, raw.span);
  }

  private builtinStepper(name: RawWord, block: RawBlock | undefined, nondiff: boolean, role: string, span: Span): A.BuiltinStepper | undefined {
    const preset = presetNamed(name.word);
    const system = preset?.system ?? systemNamed(name.word);
    if (!system) {
      const hint = `${didYouMean(name.word, [...SYSTEM_NAMES, ...PRESET_NAMES])}; or write an expression such as fou(u) = u - c * (u - shift(u, 1)) where c = 0.5`;
      this.error(name.span, `unknown ${role} '${name.word}'`, hint);
      return undefined;
    }
    const base = preset ? presetStepperSchema(preset) : S.stepperSchema(system);
    // APEBench's coarse solver: the same stepper, a fraction of the step.
    const coarse = role === 'coarse' && 'dt' in base;
    const schema: S.Schema = coarse ? { ...base, proportion: { t: 'number', positive: true, def: preset ? COARSE_PROPORTION : 1 } } : base;
    const s = new Settings(block?.settings ?? [], schema, `the ${name.word} ${role}`, this);
    const method = s.word('method');
    const padding = system === 'lorenz63' ? 'circular' : s.word<'circular' | 'zero'>('padding');
    // A spectral step is a multiplication in Fourier space: periodic by construction.
    if (padding === 'zero' && (method === 'spectral' || method.startsWith('etdrk')))
      this.error(s.valueSpan('padding', span), `the ${method} ${system} ${role} is periodic; zero padding needs a finite-difference method`, S.METHODS[system].every((m) => m.startsWith('etdrk')) ? `${system} has no finite-difference method: use padding circular` : `use method ${system === 'advection' ? 'upwind' : system === 'diffusion' ? 'ftcs' : 'central'} with padding zero, or padding circular`);
    const stepper: A.BuiltinStepper = { kind: 'builtin', name: system, ...(preset && { preset: name.word }), params: s.numbers(S.SYSTEM_PARAMS[system]), method, padding, differentiable: !nondiff, span };
    this.solvers.push({ stepper, given: [...Object.keys(stepper.params), 'method'].filter((k) => s.has(k)), ...(coarse && { proportion: s.number('proportion') }) });
    return stepper;
  }

  // ── train ─────────────────────────────────────────────────────────────────

  private train(block: RawBlock): A.TrainDecl {
    return checkTrain(block, this);
  }

  // ── across statements ─────────────────────────────────────────────────────

  private crossCheck(spec: A.Spec): void {
    const first = spec.configs[0]?.span ?? NO_SPAN;
    if (!this.sawConfig) this.error(NO_SPAN, 'no configuration in this file', 'add one, e.g. config supervised rollout 1');
    if (!spec.data) this.error(first, 'no data declared', 'e.g. data advection1d { points 30 trajectories 20 snapshots 100 cfl -0.75 }');
    if (!spec.emulator) this.error(first, 'no emulator declared', emulatorHint(spec.data));
    for (const c of spec.configs) this.needs(spec, c.body, c);
    checkBudget(spec, this);
  }

  private needs(spec: A.Spec, body: A.ConfigBody, decl: A.ConfigDecl): void {
    if (body.kind === 'composite') {
      for (const p of body.parts) this.needs(spec, p.config, decl);
      return;
    }
    const needsReference = body.kind === 'diverted' || (body.kind === 'mix' && body.chain.includes('reference'));
    if (needsReference && !spec.reference)
      this.error(body.span, `a ${body.kind} configuration runs the reference stepper, but this file declares none`, referenceHint(spec.data));
    if (body.kind === 'residuum' && !spec.residuum)
      this.error(body.span, 'a residuum configuration needs a residuum, but this file declares none', 'e.g. residuum fou(next, prev) = next - prev + c * (prev - shift(prev, 1)) where c = 0.5');
    const data = spec.data;
    const w = windowLength(body);
    if (data?.kind === 'generator' && data.snapshots < w)
      this.error(body.span, `this configuration needs windows of ${w} snapshots, but the data has trajectories of ${data.snapshots}`, `raise 'snapshots' in the data to at least ${w}, or shorten the rollout`);
  }
}

/** Snapshots per sample window that a configuration reads from data. */
export function windowLength(body: A.ConfigBody): number {
  switch (body.kind) {
    case 'supervised':
    case 'teacher_forcing':
    case 'mix':
      return body.rollout + 1;
    case 'diverted':
    case 'residuum':
      return 1;
    case 'composite':
      return body.parts.reduce((w, p) => Math.max(w, windowLength(p.config)), 0);
    default:
      return body satisfies never;
  }
}

/** Every name of a built-in system, the 1-D aliases included. */
const SYSTEM_NAMES = [...S.GENERATORS, ...Object.keys(S.GENERATOR_ALIASES)];

/** The system a data or solver block names (an alias resolved), or undefined. */
function systemNamed(w: string): A.GeneratorName | undefined {
  return (S.GENERATORS as readonly string[]).includes(w) ? (w as A.GeneratorName) : S.GENERATOR_ALIASES[w];
}

/** A network for the data's states: an mlp for Lorenz-63's, which have no space; a conv of their channels for the others. */
function emulatorHint(data: A.DataDecl | undefined): string {
  if (data?.kind === 'generator' && data.generator === 'lorenz63') return 'e.g. emulator mlp { width 64  depth 3 }';
  const c = data?.kind === 'generator' ? (S.STATE_CHANNELS[data.generator] ?? 1) : 1;
  return `e.g. emulator conv { channels ${c} -> ${c}  kernel 3  padding circular }`;
}

/** A solver of the data's own system takes the data block's options (inherit.ts), so its example is the shortest. */
function referenceHint(data: A.DataDecl | undefined): string {
  if (data?.kind === 'generator') return `e.g. reference ${data.preset ?? data.generator} {}, which takes the data block's options`;
  return 'e.g. reference advection1d { cfl -0.75 method spectral }';
}
