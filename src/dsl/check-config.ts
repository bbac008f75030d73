// A configuration's body: which Trainax configuration, its settings against
// the schema, and what no single setting can judge alone (a chain and a
// rollout both given, a branch longer than the rollout, a normalised loss on
// a residuum, a weight list of the wrong length), and settings that do
// nothing as warnings; composites part by part.
import type * as A from './ast.js';
import type { Span } from '../util/diagnostics.js';
import * as S from './schema.js';
import { Settings, type Report, type WarningReport } from './settings.js';
import { didYouMean } from './suggest.js';
import type { RawConfigBody } from './syntax.js';
import { LIMITS_HINT, MAX_REAL, MAX_ROLLOUT } from './limits.js';

/** A configuration's body (`supervised rollout 3`, a composite of weighted parts) checked. */
export function checkConfigBody(raw: RawConfigBody, report: WarningReport): A.ConfigBody | undefined {
  if (raw.kind === 'composite') {
    if (raw.parts.length === 0) {
      report.error(raw.span, 'an empty composite', 'e.g. config composite { 0.7 * supervised rollout 1   0.3 * diverted rollout 3 }');
      return undefined;
    }
    const parts = raw.parts.flatMap((p, i) => {
      const next = raw.parts[i + 1];
      const c = checkConfigBody(next ? strayStar(p.body, next, report) : p.body, report);
      if (!(Math.abs(p.weight.value) <= MAX_REAL)) {
        report.error(p.weight.span, `a weight must be a number of magnitude at most ${MAX_REAL} (a 32-bit float), got ${p.weight.text}`, 'e.g. 0.5 * supervised rollout 1');
        return [];
      }
      return c ? [{ weight: p.weight.value, config: c }] : [];
    });
    return parts.length === raw.parts.length ? { kind: 'composite', span: raw.span, parts } : undefined;
  }
  const kind = raw.name.word;
  const schema = S.CONFIGS[kind];
  if (!schema) {
    // `config one_step supervised …`: a name without its `=` reads as the kind.
    const named = raw.settings[0]?.key;
    const hint = named && named in S.CONFIGS ? `a named configuration is written config ${kind} = ${named} …` : didYouMean(kind, [...Object.keys(S.CONFIGS), 'composite']);
    report.error(raw.name.span, `unknown configuration '${kind}'`, hint);
    return undefined;
  }
  const s = new Settings(raw.settings, schema, `a ${kind} configuration`, report);
  const span = raw.span;
  let rollout = s.number('rollout');
  let chain: A.ChainStep[] | undefined;
  if (kind === 'mix') {
    const steps = s.steps('chain');
    if (steps && (s.has('rollout') || s.has('post_physics'))) {
      report.error(s.span('chain', span), "give either 'chain [...]' or 'rollout N post_physics M', not both");
    }
    const levels = steps ? steps.reduce((a, st) => a + st.n, 0) : rollout + s.number('post_physics');
    if (levels > MAX_ROLLOUT) {
      report.error(s.span(steps ? 'chain' : 'post_physics', span), `this mix chain has ${levels} time levels; txc allows at most ${MAX_ROLLOUT}`, `shorten the chain; ${LIMITS_HINT}`);
      return undefined;
    }
    chain = steps
      ? steps.flatMap((st) => Array<A.ChainStep>(st.n).fill(st.word as A.ChainStep))
      : [...Array<A.ChainStep>(rollout).fill('emulator'), ...Array<A.ChainStep>(s.number('post_physics')).fill('reference')];
    rollout = chain.length;
  }
  const loss = s.word<A.LossName>('loss');
  if (kind === 'residuum' && (loss === 'nmse' || loss === 'nmae'))
    report.error(
      s.valueSpan('loss', span),
      `a residuum configuration cannot use the normalised loss '${loss}': it divides by the norm of the target, and a residuum's target is zero`,
      `use loss ${loss.slice(1)}, the mean of the residuum's ${loss === 'nmse' ? 'squares' : 'magnitudes'} (as Trainax: its normalised losses need a target)`,
    );
  const common = {
    span,
    rollout,
    cutBptt: s.has('cut_bptt'),
    every: s.optionalNumber('cut_bptt') ?? 1,
    weights: weights(s, 'weights', rollout, kind === 'mix' ? 'time level of the main chain' : 'rollout step', span, report),
    loss,
  };
  if (common.cutBptt) uselessCut(s, kind, common, span, report);
  switch (kind) {
    case 'supervised':
      return { kind, ...common };
    case 'diverted':
    case 'diverted_one': {
      const branch = kind === 'diverted' ? s.number('branch') : 1;
      if (branch > rollout)
        report.error(s.valueSpan('branch', span), `branch ${branch} is longer than rollout ${rollout}`, 'a branch leaves the main chain and must end within the rollout: branch <= rollout');
      const branchWeights = kind === 'diverted' ? weights(s, 'branch_weights', branch, 'branch step', span, report) : [1];
      if (s.list('weights')?.length === rollout && branch > 1 && branch <= rollout) {
        const used = rollout - branch + 1;
        report.warning(
          s.valueSpan('weights', span),
          `${branch === 2 ? 'the last' : `the last ${branch - 1}`} of the ${rollout} 'weights' ${branch === 2 ? 'is' : 'are'} never used: rollout ${rollout} branch ${branch} starts ${used} branch${used === 1 ? '' : 'es'}, weighted by the first${used === 1 ? '' : ` ${used}`}`,
          'as in Trainax, weights has one entry per rollout step, and a branch from any later step would run past the window',
        );
      }
      return { kind: 'diverted', ...common, branch, branchWeights, cutDivChain: s.has('cut_div_chain'), branchOne: kind === 'diverted_one' };
    }
    case 'mix':
      return { kind, ...common, chain: chain! };
    case 'residuum':
      return { kind, ...common, cutPrev: s.has('cut_prev'), cutNext: s.has('cut_next') };
    case 'teacher_forcing':
      return { kind, ...common, resetEvery: s.optionalNumber('reset') ?? 1 };
  }
  throw new Error(`internal: configuration ${kind} has a schema but no checker`);
}

/**
 * A cut after the chain's last time level feeds nothing (semantics.md), so
 * `every` >= the levels cuts nothing; in teacher forcing a level that resets
 * to the data is not cut either, so an `every` that the reset divides cuts nothing.
 */
function uselessCut(s: Settings, kind: string, c: { rollout: number; every: number }, span: Span, report: WarningReport): void {
  const written = s.setting('cut_bptt')?.every ? `'cut_bptt every ${c.every}'` : "'cut_bptt'";
  const at = s.span('cut_bptt', span);
  const reset = kind === 'teacher_forcing' ? (s.optionalNumber('reset') ?? 1) : undefined;
  const levels = `${c.rollout} time level${c.rollout === 1 ? '' : 's'}`;
  if (c.every >= c.rollout)
    report.warning(at, `${written} cuts nothing: the chain has ${levels}, and a cut after the last one feeds nothing`, c.rollout > 1 ? `cut_bptt every K with K < ${c.rollout}, or leave cut_bptt out` : 'leave cut_bptt out, or unroll more steps');
  else if (reset === 1)
    report.warning(at, `${written} cuts nothing: reset every 1 (the default) resets the chain to the data after every step`, 'leave cut_bptt out, or reset less often (reset every K)');
  else if (reset !== undefined && c.every % reset === 0)
    report.warning(at, `${written} cuts nothing: every level it would cut after resets to the data (reset every ${reset})`, `cut_bptt every K where K is not a multiple of ${reset}, or leave cut_bptt out`);
}

/**
 * `1.0 * supervised rollout 1 * diverted`: the '1' before the '*' was read as
 * the next part's weight, leaving 'rollout' without its value. Reports the
 * stray '*' and drops the empty setting, whose own error would mislead.
 */
function strayStar(body: RawConfigBody, next: { weight: { text: string; span: Span }; star: Span; body: RawConfigBody }, report: Report): RawConfigBody {
  if (body.kind !== 'simple') return body;
  const last = body.settings.at(-1);
  const kind = last && S.CONFIGS[body.name.word]?.[last.key];
  if (!last || last.value || last.every || !kind || !needsValue(kind)) return body;
  const w = next.weight.text;
  report.error(
    next.star,
    `'${w} *' here reads as the next part's weight, which leaves '${last.key}' without a value`,
    `each part is 'weight * configuration': write ${last.key} ${w}  0.5 * ${next.body.kind === 'simple' ? next.body.name.word : 'composite'} …, or give '${last.key}' its value before the '${w}'`,
  );
  return { ...body, settings: body.settings.slice(0, -1) };
}

function weights(s: Settings, key: string, n: number, per: string, span: Span, report: Report): number[] {
  const w = s.list(key);
  if (!w) return Array<number>(n).fill(1);
  if (w.length !== n) {
    report.error(s.valueSpan(key, span), `'${key}' has ${w.length} entr${w.length === 1 ? 'y' : 'ies'}, but this configuration needs ${n}`, `one weight per ${per}, e.g. ${key} [${Array(n).fill(1).join(', ')}]`);
    return Array<number>(n).fill(1);
  }
  return w;
}

/** Whether a setting of this kind must be followed by a value. */
function needsValue(kind: S.ValueKind): boolean {
  return kind.t !== 'flag' && kind.t !== 'flag_every' && kind.t !== 'every';
}
