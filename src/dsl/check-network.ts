// The checker's part for networks: `conv` (alias `conv1d`), `resnet`, `unet`,
// `dilated`, `fno` and `mlp` blocks → their AST, every default filled in
// (networks.md). What needs the data's shape is judged later, in
// network-shape.ts.
import type * as A from './ast.js';
import type { Span } from '../util/diagnostics.js';
import { MAX_CHANNELS, MAX_LAYERS, MAX_POINTS } from './limits.js';
import * as S from './schema.js';
import { Settings, type Report } from './settings.js';
import { didYouMean } from './suggest.js';
import type { RawBlock, RawWord } from './syntax.js';

/** Words that name a network; `conv1d` is the stack's old name. */
const NETWORK_WORDS = ['conv', 'conv1d', 'resnet', 'unet', 'dilated', 'fno', 'mlp'] as const;

export function checkNetwork(what: RawWord, block: RawBlock | undefined, span: Span, report: Report): A.Network | undefined {
  const settings = block?.settings ?? [];
  const word = what.word;
  if (word === 'mlp') {
    const s = new Settings(settings, S.MLP, 'an mlp emulator', report);
    return {
      kind: 'mlp',
      width: s.number('width'),
      depth: s.number('depth'),
      activation: S.activation(s.word('activation')),
      finalActivation: S.activation(s.word('final_activation')),
      bias: s.bool('bias'),
      seed: s.number('seed'),
      span,
    };
  }
  if (word === 'fno') {
    const s = new Settings(settings, S.FNO, 'an fno emulator', report);
    return {
      kind: 'fno',
      ...io(s.has('channels') ? endsOf(s, 'an fno', span, report) : undefined),
      width: s.number('width'),
      modes: s.number('modes'),
      blocks: s.number('blocks'),
      activation: S.activation(s.word('activation')),
      finalActivation: S.activation(s.word('final_activation')),
      seed: s.number('seed'),
      span,
      modesSpan: s.span('modes', span),
    };
  }
  const kind = word === 'conv1d' ? 'conv' : word;
  if (!isConvNetwork(kind)) {
    report.error(what.span, `unknown emulator '${word}'`, didYouMean(word, [...NETWORK_WORDS, 'correction']));
    return undefined;
  }
  const s = new Settings(settings, S.CONV_NETWORKS[kind], `a ${word} emulator`, report);
  const chain = s.has('channels') ? chainOf(s) : undefined;
  const common = {
    kernel: s.number('kernel'),
    padding: s.word<A.Padding>('padding'),
    activation: S.activation(s.word('activation')),
    finalActivation: S.activation(s.word('final_activation')),
    seed: s.number('seed'),
    span,
  };
  switch (kind) {
    case 'conv':
      return { kind, ...common, ...io(chain), hidden: stackHidden(s, chain, span, report), bias: s.bool('bias') };
    case 'resnet':
    case 'unet':
    case 'dilated': {
      if (chain) endsOf(s, `a ${kind}`, span, report);
      const width = s.number('width');
      const norm = s.word<A.Norm>('norm');
      if (kind === 'resnet') return { kind, ...common, ...io(chain), width, blocks: s.number('blocks'), norm };
      if (kind === 'unet') {
        const levels = s.number('levels');
        // The deepest level has width · 2^levels channels.
        if (width * 2 ** levels > MAX_CHANNELS)
          report.error(s.span('levels', span), `a unet of width ${width} and ${levels} levels has ${width * 2 ** levels} channels at its deepest level; txc allows at most ${MAX_CHANNELS}`, 'lower width or levels');
        return { kind, ...common, ...io(chain), width, levels, norm };
      }
      return { kind, ...common, ...io(chain), width, blocks: s.number('blocks'), dilations: dilations(s, span, report), norm };
    }
    default:
      return kind satisfies never;
  }
}

function isConvNetwork(w: string): w is S.ConvNetworkName {
  return Object.hasOwn(S.CONV_NETWORKS, w);
}

/** In and out channels as written, from a chain's ends. */
function io(c: number[] | undefined): { channelsIn?: number; channelsOut?: number } {
  return c ? { channelsIn: c[0]!, channelsOut: c.at(-1)! } : {};
}

/** `channels C_in -> C_out` of a family whose width sets the layers between; more is an error. */
function endsOf(s: Settings, family: string, span: Span, report: Report): number[] {
  const chain = chainOf(s);
  if (chain.length !== 2)
    report.error(s.valueSpan('channels', span), `'channels' of ${family} gives its input and output counts only`, `e.g. channels 1 -> 1; the width sets the layers between`);
  return chain;
}

function chainOf(s: Settings): number[] {
  const v = s.setting('channels')!.value as { kind: 'chain'; numbers: { value: number }[] };
  return v.numbers.map((n) => n.value);
}

/** A stack's hidden layers, from `channels a -> … -> b` or `width W depth D` (APEBench's Conv;W;D). */
function stackHidden(s: Settings, chain: number[] | undefined, span: Span, report: Report): number[] {
  const [width, depth] = [s.optionalNumber('width'), s.optionalNumber('depth')];
  if (chain && (s.has('width') || s.has('depth'))) {
    report.error(s.span(s.has('width') ? 'width' : 'depth', span), "give either 'channels' or 'width' and 'depth', not both", 'e.g. channels 1 -> 32 -> 1, or width 32 depth 1');
    return [];
  }
  if (chain) {
    if (chain.length < 2) report.error(s.valueSpan('channels', span), "'channels' needs at least an input and an output count", 'e.g. channels 1 -> 16 -> 1');
    return chain.slice(1, -1);
  }
  if (s.has('width') !== s.has('depth')) {
    report.error(s.span(s.has('width') ? 'width' : 'depth', span), "'width' and 'depth' go together", 'e.g. width 34 depth 10: ten hidden layers of 34 channels');
    return [];
  }
  return width === undefined || depth === undefined ? [] : Array<number>(depth).fill(width);
}

function dilations(s: Settings, span: Span, report: Report): number[] {
  const d = s.list('dilations');
  if (!d) return S.DEFAULT_DILATIONS;
  if (d.length === 0 || d.length > MAX_LAYERS || !d.every((x) => Number.isInteger(x) && x >= 1 && x <= MAX_POINTS)) {
    report.error(s.valueSpan('dilations', span), `'dilations' expects 1 to ${MAX_LAYERS} integers from 1 to ${MAX_POINTS}`, 'e.g. dilations [1, 2, 4, 2, 1]');
    return S.DEFAULT_DILATIONS;
  }
  return d;
}
