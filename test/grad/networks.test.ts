// Gradients of every network family, inlined on a field [2, C, N…] through
// the Emit API as the inliner does, against central finite differences in
// float64: mse(net(x), target) in x and every parameter. Smooth activations
// (tanh, gelu, swish) keep the loss differentiable where a relu's kink could
// sit within a step; both paddings; dilations, strides and the UNet's
// zero insertion and concatenation on 1, 2 and 3 spatial axes; the FNO's
// spectral blocks with the Nyquist bin kept or not, an odd last axis, and
// both signs of the leading axes' frequencies.
import { describe, expect, it } from 'vitest';
import { network as net, networkLoss } from '../passes/network-helpers.js';
import type { Tensor } from '../../src/ops/op.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { centralDifference, random, relError, rng } from '../ops/helpers.js';


const rows: [string, number[]][] = [
  ['conv { channels 1 -> 3 -> 1  kernel 3  activation tanh  final_activation gelu }', [8]],
  ['conv { channels 1 -> 2 -> 1  kernel 2  padding zero  activation swish }', [4, 6]],
  ['conv1d { channels 1 -> 2 -> 1  kernel 3  bias false  activation tanh }', [4, 2, 4]],
  ['resnet { width 2  blocks 2  activation tanh }', [8]],
  ['resnet { width 2  blocks 1  kernel 2  padding zero  activation gelu }', [4, 6]],
  ['resnet { width 2  blocks 1  activation tanh }', [2, 4, 4]],
  ['unet { width 2  levels 2  activation tanh }', [8]],
  ['unet { width 1  levels 2  padding zero  activation gelu  final_activation tanh }', [4, 8]],
  ['unet { width 2  levels 1  activation tanh }', [2, 4, 2]],
  ['dilated { width 2  blocks 2  dilations [1, 2, 3]  activation tanh }', [8]],
  ['dilated { width 2  blocks 1  dilations [1, 2]  padding zero  activation swish }', [4, 6]],
  ['dilated { width 1  blocks 1  dilations [2]  activation tanh }', [2, 4, 4]],
  ['resnet { width 2  blocks 1  activation tanh  norm group }', [8]],
  ['resnet { width 2  blocks 1  padding zero  activation gelu  norm group }', [4, 4]],
  ['unet { width 2  levels 1  activation tanh  norm group }', [4, 4]],
  ['dilated { width 2  blocks 1  dilations [1, 2]  activation tanh  norm group }', [8]],
  ['dilated { width 2  blocks 1  dilations [1]  activation swish  norm group }', [2, 2, 4]],
  ['fno { width 2  modes 3  blocks 2 }', [8]],
  ['fno { width 2  modes 5  blocks 1  activation tanh  final_activation gelu }', [8]],
  ['fno { width 2  modes 4  blocks 1 }', [7]],
  ['fno { width 2  modes 2  blocks 1 }', [4, 6]],
  ['fno { width 2  modes 3  blocks 1  activation swish }', [7, 5]],
  ['fno { width 1  modes 2  blocks 1 }', [4, 4, 4]],
  ['fno { width 2  modes 1  blocks 1 }', [2, 4, 3]],
];

describe('network families: gradients in x and every parameter against finite differences', () => {
  // Up to a few seconds each on a shared core: the finite differences evaluate the graph twice per entry.
  it.each(rows)('%s on %j', { timeout: 60_000 }, (text, N) => {
    const { g, x, params } = networkLoss(net(text), 2, N);
    const wrt = [x, ...params];
    const dg = verify(differentiate(g, 'loss', wrt));
    const next = rng(N.length * 31 + text.length);
    const feeds = new Map<string, Tensor>(g.nodes.filter((n) => n.op === 'input').map((n) => [n.id, random(n.shape as number[], next)]));
    const values = evaluate(dg, feeds);
    wrt.forEach((id, i) => {
      expect(relError(values.get(dg.outputs[i + 1]!)!.data, centralDifference(g, 'loss', feeds, id)), `d/d${id}`).toBeLessThan(1e-6);
    });
  });
});
