// The real-input DFT over the last `dims` axes, numpy's rfftn: [.., N_1, ..,
// N_d] to [.., N_1, .., N_d/2 + 1, 2], complex values as (re, im) on a
// trailing axis. Its VJP is irfft of the cotangent with per-bin weights
// (spectrum.ts says why).
import { rfftn } from '../math/fft.js';
import { checkGpuSizes, complexPass, realToHalf } from './fft-passes.js';
import type { OpDef } from './op.js';
import { expectArity } from './op.js';
import { fftFlops, interleave, points, realAxes, spectrumShape, weighBins } from './spectrum.js';
import { tensor } from './tensor.js';

export const rfft: OpDef<'rfft'> = {
  name: 'rfft',
  shape(inputs, { dims }) {
    expectArity(inputs, 1, 'rfft');
    return spectrumShape(inputs[0]!, dims, 'rfft');
  },
  eval([x], { dims }, shape) {
    const s = rfftn(x!.data, x!.shape, dims);
    return tensor(shape, interleave(s.re, s.im));
  },
  vjp(b, node, cot) {
    const x = b.shapeOf(node.inputs[0]!);
    const n = x.at(-1) as number;
    const N = points(x, node.attrs.dims);
    const weighed = weighBins(b, `d.${node.id}.w`, cot, n, N, N / 2);
    return [b.add(`d.${node.id}.x`, 'irfft', [weighed], x, { dims: node.attrs.dims, n })];
  },
  flops: ({ ins, out, attrs }) => {
    const x = ins[0]!;
    const sizes = realAxes(x, attrs.dims, 'rfft');
    const spectrum = points(out, out.length) / 2;
    return [fftFlops([{ points: points(x, x.length), n: sizes.at(-1)! }, ...sizes.slice(0, -1).map((n) => ({ points: spectrum, n }))], out)];
  },
  wgsl: {
    kind: 'dispatch',
    passes: ({ ins, out, attrs, input, output, target }) => {
      const x = ins[0]!;
      checkGpuSizes('rfft', realAxes(x, attrs.dims, 'rfft'));
      const complex = out.slice(0, -1);
      const leading = [...Array(attrs.dims - 1).keys()].map((k) => x.length - attrs.dims + k);
      return [realToHalf(target.shapes, x, input(0), output), ...leading.map((a) => complexPass(target.shapes, complex, a, output, output, false))];
    },
  },
};
