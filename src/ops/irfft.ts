// The inverse of rfft over the last `dims` axes, numpy's irfftn: a half
// spectrum [.., N_1, .., bins, 2] to real [.., N_1, .., n], attr n being the
// real last axis's size (n/2 + 1 = bins for n and n + 1 alike). Divides by
// the number of points. Its VJP is rfft of the cotangent with per-bin
// weights (spectrum.ts says why).
import { sameShape, shapeText } from '../ir/graph.js';
import { irfftn } from '../math/fft.js';
import { checkGpuSizes, complexPass, halfToReal } from './fft-passes.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { complexOf, fftFlops, halfBins, points, realAxes, spectrumShape, weighBins } from './spectrum.js';
import { tensor } from './tensor.js';
import { whole } from './attrs.js';

export const irfft: OpDef<'irfft'> = {
  name: 'irfft',
  shape(inputs, { dims, n }) {
    expectArity(inputs, 1, 'irfft');
    whole(n, 'n', 'irfft');
    const y = inputs[0]!;
    const real = [...y.slice(0, -2), n];
    if (n < 1 || y.at(-1) !== 2 || !sameShape(spectrumShape(real, dims, 'irfft'), y))
      throw new ShapeError(`irfft to ${n} points takes a spectrum [.., ${n >= 1 ? halfBins(n) : '?'}, 2], got ${shapeText(y)}`);
    return real;
  },
  eval([y], { dims, n }, shape) {
    return tensor(shape, irfftn(complexOf(y!), y!.shape.slice(0, -1), dims, n).data);
  },
  vjp(b, node, cot) {
    const { dims, n } = node.attrs;
    const N = points(node.shape, dims);
    const spectrum = b.add(`d.${node.id}.rfft`, 'rfft', [cot], b.shapeOf(node.inputs[0]!), { dims });
    return [weighBins(b, `d.${node.id}.x`, spectrum, n, 1 / N, 2 / N)];
  },
  flops: ({ ins, out, attrs }) => {
    const sizes = realAxes(out, attrs.dims, 'irfft');
    const spectrum = points(ins[0]!, ins[0]!.length) / 2;
    // And one multiply per output, by 1/N.
    return [fftFlops([...sizes.slice(0, -1).map((n) => ({ points: spectrum, n })), { points: points(out, out.length), n: attrs.n }], out) + 1];
  },
  wgsl: {
    kind: 'dispatch',
    // The passes over the leading axes leave the input as it is for its other readers.
    scratch: ({ ins, attrs }) => (attrs.dims > 1 ? ins[0]! : undefined),
    passes: ({ ins, out, attrs, input, output, scratch, target }) => {
      const sizes = realAxes(out, attrs.dims, 'irfft');
      checkGpuSizes('irfft', sizes);
      const complex = ins[0]!.slice(0, -1);
      const leading = [...Array(attrs.dims - 1).keys()].map((k) => out.length - attrs.dims + k);
      const passes = leading.map((a, k) => complexPass(target.shapes, complex, a, k === 0 ? input(0) : scratch!, scratch!, true));
      return [...passes, halfToReal(target.shapes, out, points(out, attrs.dims), leading.length ? scratch! : input(0), output)];
    },
  },
};
