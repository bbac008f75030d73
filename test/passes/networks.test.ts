// The network families' parameters against networks.md §7: the counts of
// its table (they do not depend on the grid size, as long as the FNO's 12
// modes fit it), PDEquinox's names and pytree order, and the fan-in
// F = I · k^D of every weight and bias.
import { describe, expect, test } from 'vitest';
import type * as A from '../../src/dsl/ast.js';
import { network as net } from './network-helpers.js';
import { networkParams, type ParamDecl } from '../../src/passes/inline/network.js';
import { emulatorParams } from '../../src/passes/inline.js';
import { plan } from '../../src/codegen/plan.js';
import { compileAll } from '../grad/helpers.js';

/** The network of `emulator <text>`, checked. */

const fanIn = (p: ParamDecl) => ('fanIn' in p ? p.fanIn : undefined);
const count = (n: A.Network, snapshot: number[]) => networkParams(n, snapshot).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);

// networks.md §7: one channel in and out, kernel 3; 1-D, 2-D, 3-D.
const table: [string, number, number, number][] = [
  ['conv { width 34 depth 10 }', 31757, 94589, 283085],
  ['resnet { width 26 blocks 8 }', 32943, 97839, 292527],
  ['unet { width 12 levels 2 }', 26713, 79489, 237817],
  ['dilated { width 32 blocks 2 dilations [1, 2, 4, 2, 1] }', 31137, 92577, 276897],
  ['fno { width 18 modes 12 blocks 4 }', 32527, 747919, 17917327],
  ['resnet { width 32 blocks 6 }', 37345, 111073, 332257],
  ['unet { width 16 levels 2 }', 47329, 141121, 422497],
  ['dilated { width 32 blocks 2 }', 43553, 129569, 387617],
  ['unet { width 16 levels 4 }', 786145, 2354497, 7059553],
];

describe('parameter counts equal networks.md §7', () => {
  test.each(table)('%s', (text, d1, d2, d3) => {
    const n = net(text);
    expect([count(n, [1, 64]), count(n, [1, 64, 64]), count(n, [1, 32, 32, 32])]).toEqual([d1, d2, d3]);
  });
});

// The same with `norm group`: APEBench's UNet and Dil strings exactly (its last column, 1-D and 2-D).
const withNorm: [string, number, number][] = [
  ['unet { width 12 levels 2 norm group }', 27193, 79969],
  ['dilated { width 32 blocks 2 dilations [1, 2, 4, 2, 1] norm group }', 31777, 93217],
  ['unet { width 16 levels 2 norm group }', 47969, 141761],
  ['dilated { width 32 blocks 2 norm group }', 44449, 130465],
  ['unet { width 16 levels 4 norm group }', 789089, 2357441],
];

describe("with norm group, APEBench's counts", () => {
  test.each(withNorm)('%s', (text, d1, d2) => {
    const n = net(text);
    expect([count(n, [1, 64]), count(n, [1, 64, 64])]).toEqual([d1, d2]);
  });
  test('resnet: 2 · blocks norms of width scales and shifts', () => {
    expect(count(net('resnet { width 26 blocks 8 norm group }'), [1, 64]) - 32943).toBe(8 * 2 * 2 * 26);
  });
});

describe('names, shapes and fan-ins', () => {
  test('conv: layers.l, and conv1d is the same network', () => {
    const ps = networkParams(net('conv { channels 1 -> 4 -> 2 kernel 5 }'), [1, 8, 8]);
    expect(ps).toEqual([
      { name: 'layers.0.weight', shape: [4, 1, 5, 5], fanIn: 25 },
      { name: 'layers.0.bias', shape: [4], fanIn: 25 },
      { name: 'layers.1.weight', shape: [2, 4, 5, 5], fanIn: 100 },
      { name: 'layers.1.bias', shape: [2], fanIn: 100 },
    ]);
    expect(networkParams(net('conv1d { channels 1 -> 4 -> 2 kernel 5 bias false }'), [1, 8]).map((p) => p.name)).toEqual(['layers.0.weight', 'layers.1.weight']);
  });

  test('conv without channels maps the data channels to themselves', () => {
    expect(networkParams(net('conv { width 3 depth 1 }'), [2, 8]).map((p) => p.shape)).toEqual([[3, 2, 3], [3], [2, 3, 3], [2]]);
  });

  test('resnet: lifting, blocks, projection; channels override the ends', () => {
    const ps = networkParams(net('resnet { channels 2 -> 3  width 4 blocks 1 kernel 5 }'), [2, 8, 8]);
    expect(ps.map((p) => [p.name, p.shape, fanIn(p)])).toEqual([
      ['lifting.weight', [4, 2, 1, 1], 2],
      ['lifting.bias', [4], 2],
      ['blocks.0.conv_1.weight', [4, 4, 5, 5], 100],
      ['blocks.0.conv_1.bias', [4], 100],
      ['blocks.0.conv_2.weight', [4, 4, 5, 5], 100],
      ['blocks.0.conv_2.bias', [4], 100],
      ['projection.weight', [3, 4, 1, 1], 4],
      ['projection.bias', [3], 4],
    ]);
  });

  test('unet: pytree order (lifting, downs, lefts, ups, rights, projection)', () => {
    const ps = networkParams(net('unet { width 2 levels 2 }'), [1, 8]);
    expect(ps.filter((p) => p.name.endsWith('weight')).map((p) => `${p.name} [${p.shape}] ${fanIn(p)}`)).toEqual([
      'lifting.conv_1.weight [2,1,3] 3',
      'lifting.conv_2.weight [2,2,3] 6',
      'down_sampling_blocks.0.weight [2,2,3] 6',
      'down_sampling_blocks.1.weight [4,4,3] 12',
      'left_arc_blocks.0.0.conv_1.weight [4,2,3] 6',
      'left_arc_blocks.0.0.conv_2.weight [4,4,3] 12',
      'left_arc_blocks.1.0.conv_1.weight [8,4,3] 12',
      'left_arc_blocks.1.0.conv_2.weight [8,8,3] 24',
      'up_sampling_blocks.0.weight [2,4,3] 12',
      'up_sampling_blocks.1.weight [4,8,3] 24',
      'right_arc_blocks.0.0.conv_1.weight [2,4,3] 12',
      'right_arc_blocks.0.0.conv_2.weight [2,2,3] 6',
      'right_arc_blocks.1.0.conv_1.weight [4,8,3] 24',
      'right_arc_blocks.1.0.conv_2.weight [4,4,3] 12',
      'projection.weight [1,2,1] 2',
    ]);
  });

  test('norm group: named after their convolution, in PDEquinox order, from 1 and 0', () => {
    const res = networkParams(net('resnet { width 2 blocks 1 norm group }'), [1, 8]);
    expect(res.filter((p) => p.name.startsWith('blocks')).map((p) => [p.name, 'value' in p ? p.value : 'uniform'])).toEqual([
      ['blocks.0.conv_1.weight', 'uniform'],
      ['blocks.0.conv_1.bias', 'uniform'],
      ['blocks.0.norm_1.weight', 1],
      ['blocks.0.norm_1.bias', 0],
      ['blocks.0.conv_2.weight', 'uniform'],
      ['blocks.0.conv_2.bias', 'uniform'],
      ['blocks.0.norm_2.weight', 1],
      ['blocks.0.norm_2.bias', 0],
    ]);
    // DilatedResBlock declares its norms before its convolutions.
    const dil = networkParams(net('dilated { width 2 blocks 1 dilations [1, 2] norm group }'), [1, 8]);
    expect(dil.map((p) => p.name).filter((n) => n.startsWith('blocks'))).toEqual([
      ...[0, 1].flatMap((j) => [`blocks.0.norm_layers.${j}.weight`, `blocks.0.norm_layers.${j}.bias`]),
      ...[0, 1].flatMap((j) => [`blocks.0.conv_layers.${j}.weight`, `blocks.0.conv_layers.${j}.bias`]),
    ]);
  });

  test("fno: each block's spectral weights [G, W, W, M…], G = 2^(D-1), normal with std 1/W², before its bypass", () => {
    const ps = networkParams(net('fno { channels 1 -> 2  width 3 modes 2 blocks 1 }'), [1, 8, 8, 8]);
    expect(ps.map((p) => [p.name, p.shape, 'std' in p ? p.std : fanIn(p)])).toEqual([
      ['lifting.weight', [3, 1, 1, 1, 1], 1],
      ['lifting.bias', [3], 1],
      ['blocks.0.spectral_conv.weights_real', [4, 3, 3, 2, 2, 2], 1 / 9],
      ['blocks.0.spectral_conv.weights_imag', [4, 3, 3, 2, 2, 2], 1 / 9],
      ['blocks.0.by_pass_conv.weight', [3, 3, 1, 1, 1], 3],
      ['blocks.0.by_pass_conv.bias', [3], 3],
      ['projection.weight', [2, 3, 1, 1, 1], 3],
      ['projection.bias', [2], 3],
    ]);
    expect(networkParams(net('fno { width 2 modes 3 blocks 1 }'), [1, 8]).find((p) => p.name.endsWith('weights_imag'))!.shape).toEqual([1, 2, 2, 3]);
  });

  test('dilated: blocks.b.conv_layers.j', () => {
    const ps = networkParams(net('dilated { width 2 blocks 2 dilations [1, 3] }'), [1, 8]);
    expect(ps.map((p) => p.name).filter((n) => n.startsWith('blocks'))).toEqual(
      [0, 1].flatMap((b) => [0, 1].flatMap((j) => [`blocks.${b}.conv_layers.${j}.weight`, `blocks.${b}.conv_layers.${j}.bias`])),
    );
  });
});

describe('through the whole pipeline', () => {
  test.each(['conv { width 4 depth 1 }', 'resnet { width 4 blocks 1 }', 'unet { width 2 levels 2 padding zero }', 'dilated { width 2 blocks 1 dilations [1, 2] }', 'fno { width 2 modes 4 blocks 1 }'])(
    'as the net of a correction: %s',
    (text) => {
      const src = `data advection1d { points 16  modes 3 }\nemulator correction { mode parallel  coarse advection1d { cfl -0.5 method upwind }  net ${text} }\nconfig supervised rollout 2\n`;
      const [c] = compileAll(src);
      const names = emulatorParams(c!.spec, [1, 16]).map((p) => p.name);
      expect(c!.final.outputs.length).toBe(1 + names.length);
      expect(plan(c!.final, 2).fusion.kernels.length).toBeGreaterThan(0);
    },
  );
});
