// Time-level losses: reduce each sample over its channel and space entries,
// then average over the batch (axis 0). One input (a residual) or two
// (prediction, target); the normalised ones divide per sample by the target's
// own norm, mse(b, 0) or mae(b, 0).
//
// Backward, with c the loss cotangent, B the batch, n the entries per sample,
// d = a - b, p the pointwise penalty (d^2 or |d|) and p' its derivative
// (2d or sign(d), sign(0) = 0):
//   mse/mae:    dL/da = c/B * p'(d)/n,                      dL/db = -dL/da
//   nmse/nmae:  per sample e = mean p(d), m = mean p(b),
//               dL/da = c/(B m) * p'(d)/n,
//               dL/db = -dL/da - c e/(B m^2) * p'(b)/n.
// The target gets its cotangent: it may be a reference chain carrying gradient.
// c/B is a broadcast with mean: true, since B is only known when the graph runs.
import type { Shape } from '../ir/graph.js';
import { elements, sameShape, shapeText } from '../ir/graph.js';
import type { LossKind } from '../ir/op-attrs.js';
import { shapeToAttr, sizeDim } from './attrs.js';
import { ew } from './elementwise.js';
import type { OpDef } from './op.js';
import { ShapeError } from './op.js';
import { tensor } from './tensor.js';

function squared(kind: LossKind): boolean {
  switch (kind) {
    case 'mse':
    case 'nmse':
      return true;
    case 'mae':
    case 'nmae':
      return false;
    default:
      throw new Error(`unknown loss ${kind satisfies never}`);
  }
}

function normalised(kind: LossKind): boolean {
  return kind === 'nmse' || kind === 'nmae';
}

/** Entries per sample of a [B, ...] operand. */
function entries(shape: Shape): number {
  return elements(shape.slice(1), 1);
}

export const loss: OpDef<'loss'> = {
  name: 'loss',
  shape(inputs, { kind }) {
    if (inputs.length === 1) {
      if (normalised(kind)) throw new ShapeError(`${kind} needs a target`);
    } else if (inputs.length !== 2) throw new ShapeError(`loss takes 1 or 2 inputs, got ${inputs.length}`);
    else if (!sameShape(inputs[0]!, inputs[1]!))
      throw new ShapeError(`loss operands differ: ${shapeText(inputs[0]!)} vs ${shapeText(inputs[1]!)}`);
    const x = inputs[0]!;
    if (x.length === 0) throw new ShapeError('loss needs a batch axis');
    for (let d = 1; d < x.length; d++) sizeDim(x, d, 'loss');
    return [];
  },
  eval([a, t], { kind }) {
    const p = squared(kind) ? (v: number) => v * v : Math.abs;
    const batch = a!.shape[0]!;
    const n = a!.data.length / batch;
    let total = 0;
    for (let s = 0; s < batch; s++) {
      let err = 0;
      let norm = 0;
      for (let i = s * n; i < (s + 1) * n; i++) {
        const y = t === undefined ? 0 : t.data[i]!;
        err += p(a!.data[i]! - y);
        norm += p(y);
      }
      total += normalised(kind) ? err / norm : err / n;
    }
    return tensor([], [total / batch]);
  },
  // The plain losses sum every entry as one term, so that a tree's threads
  // share the work however small the batch (a GPU left 224 of 256 threads
  // idle when each took a whole sample: 0.2 ms for W2's loss on an H200).
  // The normalised ones divide per sample before the batch sum, so each of
  // their terms is a whole sample.
  // A difference, its square (or absolute value) and a sum per entry; the
  // normalised ones also the target's own and a division per sample.
  flops: (c) => [normalised(c.attrs.kind) ? 5 : 3, ...c.ins[0]!],
  wgsl: {
    kind: 'reduce',
    domain: (c) => (normalised(c.attrs.kind) ? ['B'] : c.ins[0]!),
    term: (c, _i, j) => {
      const { kind } = c.attrs;
      const n = entries(c.ins[0]!);
      const p = (v: string) => (squared(kind) ? `${v} * ${v}` : `abs(${v})`);
      const [err, norm, e, d, t] = ['err', 'norm', 'e', 'd', 't'].map((x) => c.fresh(x)) as [string, string, string, string, string];
      const target = (idx: string) => (c.ins.length === 2 ? c.x(1, idx) : '0.0');
      if (!normalised(kind)) return { stmts: [`let ${d} = ${c.x(0, j)} - ${target(j)};`], value: p(d) };
      const idx = `${j} * ${n}u + ${e}`;
      return {
        stmts: [
          `var ${err} = 0.0; var ${norm} = 0.0;`,
          `for (var ${e} = 0u; ${e} < ${c.bound(n)}; ${e}++) {`,
          `  let ${t} = ${target(idx)}; let ${d} = ${c.x(0, idx)} - ${t};`,
          `  ${err} += ${p(d)}; ${norm} += ${p(t)};`,
          `}`,
        ],
        value: `${err} / ${norm}`,
      };
    },
    finish: (c, _i, acc) => {
      const n = entries(c.ins[0]!);
      return normalised(c.attrs.kind) ? `(${acc} / f32(u.B))` : `(${acc} / ${n}.0 / f32(u.B))`;
    },
  },
  vjp(b, node, cot) {
    const { kind } = node.attrs;
    const [a, t] = node.inputs as [string, string | undefined];
    const shape = b.shapeOf(a);
    const rest = shape.map((_, d) => d).slice(1);
    const n = rest.reduce((acc, d) => acc * (shape[d] as number), 1);
    const id = (tag: string) => `d.${node.id}.${tag}`;
    const perSample: Shape = [shape[0]!];
    const spread = (v: string, tag: string) =>
      b.add(id(tag), 'broadcast', [v], shape, { shape: shapeToAttr(shape), axes: rest });
    // p'(v)/n, the entrywise derivative of the per-sample mean of p(v).
    const dp = (v: string, tag: string) =>
      squared(kind)
        ? ew(b, id(tag), 'scale', [v], { c: 2 / n })
        : ew(b, id(tag), 'scale', [ew(b, id(`${tag}.sign`), 'sign', [v])], { c: 1 / n });
    const perSampleMean = (v: string, tag: string) =>
      b.add(id(tag), 'mean', [ew(b, id(`${tag}.p`), squared(kind) ? 'square' : 'abs', [v])], perSample, { axes: rest });

    const cb = b.add(id('batch'), 'broadcast', [cot], perSample, { shape: shapeToAttr(perSample), mean: true });
    const d = t === undefined ? a : ew(b, id('diff'), 'sub', [a, t]);
    if (!normalised(kind)) {
      const da = ew(b, id('a'), 'mul', [spread(cb, 'cb'), dp(d, 'dp')]);
      return t === undefined ? [da] : [da, ew(b, id('b'), 'neg', [da])];
    }
    const target = t!;
    const m = perSampleMean(target, 'norm');
    const w = ew(b, id('w'), 'div', [cb, m]);
    const da = ew(b, id('a'), 'mul', [spread(w, 'wb'), dp(d, 'dp')]);
    const v = ew(b, id('v'), 'mul', [w, ew(b, id('ratio'), 'div', [perSampleMean(d, 'err'), m])]);
    const viaNorm = ew(b, id('vianorm'), 'mul', [spread(v, 'vb'), dp(target, 'dpt')]);
    return [da, ew(b, id('b'), 'sub', [ew(b, id('nega'), 'neg', [da]), viaNorm])];
  },
};
