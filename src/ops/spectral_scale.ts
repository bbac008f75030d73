// A diagonal operator in Fourier space: each complex value of a spectrum
// [.., N_1, .., bins, 2] (rfft's layout) times a constant complex factor m_b
// of its bin b over the last `dims` complex axes, the same for every leading
// index (sample, channel). Spectral derivatives (i kappa), dealiasing masks
// and the ETDRK coefficients are all this op with their own table.
//
// The VJP, on the (re, im) pairs: y = m x is
//   y_re = m_re x_re - m_im x_im,   y_im = m_im x_re + m_re x_im,
// a real-linear map whose transpose takes the cotangent (g_re, g_im) to
//   xbar_re = m_re g_re + m_im g_im,   xbar_im = -m_im g_re + m_re g_im,
// which is the complex product conj(m) g: the same op with the conjugate table.
import { shapeText } from '../ir/graph.js';
import { finite, sizeDim, whole } from './attrs.js';
import type { OpDef } from './op.js';
import { expectArity, ShapeError } from './op.js';
import { tensor } from './tensor.js';

/** The bins the table covers: the product of the `dims` complex axes before the trailing (re, im) axis. */
function tableBins(x: readonly (number | 'B')[], dims: number): number {
  let bins = 1;
  for (let a = x.length - 1 - dims; a < x.length - 1; a++) bins *= sizeDim(x, a, 'spectral_scale');
  return bins;
}

export const spectral_scale: OpDef<'spectral_scale'> = {
  name: 'spectral_scale',
  shape(inputs, { dims, coef }) {
    expectArity(inputs, 1, 'spectral_scale');
    whole(dims, 'dims', 'spectral_scale');
    const x = inputs[0]!;
    if (dims < 1 || x.length < dims + 1 || x.at(-1) !== 2)
      throw new ShapeError(`spectral_scale over ${dims} axes takes a spectrum [.., bins, 2] of at least ${dims} complex axes, got ${shapeText(x)}`);
    const bins = tableBins(x, dims);
    if (coef.length !== 2 * bins) throw new ShapeError(`spectral_scale has ${coef.length / 2} factors for ${bins} bins of ${shapeText(x)}`);
    coef.forEach((c) => finite(c, 'coef', 'spectral_scale'));
    return x;
  },
  eval([x], { coef }, shape) {
    const out = tensor(shape);
    const bins = coef.length / 2;
    const d = x!.data;
    for (let c = 0; c < d.length / 2; c++) {
      const b = c % bins;
      const [re, im, mr, mi] = [d[2 * c]!, d[2 * c + 1]!, coef[2 * b]!, coef[2 * b + 1]!];
      out.data[2 * c] = re * mr - im * mi;
      out.data[2 * c + 1] = re * mi + im * mr;
    }
    return out;
  },
  vjp(b, node, cot) {
    const { dims, coef } = node.attrs;
    const conj = coef.map((c, k) => (k % 2 === 1 && c !== 0 ? -c : c));
    return [b.add(`d.${node.id}.x`, 'spectral_scale', [cot], node.shape, { dims, coef: conj })];
  },
  // Two products and a sum per output.
  flops: () => [3],
  wgsl: {
    kind: 'loop',
    // Each input value feeds both outputs of its pair.
    reuse: () => [2],
    // The factors in the step's constant tables (codegen/tables.ts).
    body: (c, i) => {
      const { coef } = c.attrs;
      const [part, at, m, re, im] = ['part', 'at', 'm', 're', 'im'].map((t) => c.fresh(t)) as [string, string, string, string, string];
      const table = c.table(coef);
      const [mr, mi] = [table(m), table(`${m} + 1u`)];
      return {
        stmts: [
          `let ${part} = ${i} % 2u;`,
          `let ${at} = ${i} - ${part};`,
          `let ${m} = 2u * ((${i} / 2u) % ${coef.length / 2}u);`,
          `let ${re} = ${c.x(0, at)};`,
          `let ${im} = ${c.x(0, `${at} + 1u`)};`,
        ],
        value: `select(${re} * ${mi} + ${im} * ${mr}, ${re} * ${mr} - ${im} * ${mi}, ${part} == 0u)`,
      };
    },
  },
};
