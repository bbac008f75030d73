// The network blocks' diagnostics: what a field's shape rules out (a UNet's
// halvings, a kernel wider than the field, an FNO's modes past the Nyquist
// limit, a network of the wrong rank, the channels), and the options each
// family takes.
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';

const DATA = 'data advection1d { points 30  trajectories 20  snapshots 100  cfl -0.75 }';

/** Diagnostics of a file of data, the emulator and one configuration. */
function diags(data: string, emulator: string) {
  return frontend([data, emulator, 'config supervised rollout 1'].join('\n') + '\n', 'spec.tx').diagnostics.map((d) => ({
    at: `${d.line}:${d.column}+${d.length}`,
    message: d.message,
    hint: d.hint,
  }));
}

describe('what the data rules out', () => {
  test("a spatial size the UNet's levels cannot halve", () => {
    expect(diags(DATA, 'emulator unet { width 4  levels 2 }')).toEqual([
      {
        at: '2:1+35',
        message: "a unet with 2 levels halves the field 2 times, so every spatial size must divide by 4, but the data's states are [1, 30]",
        hint: 'use levels 1 or fewer, or grid sizes that are multiples of 4',
      },
    ]);
  });
  test("the same as a correction's net, pointing at the net", () => {
    const emu = 'emulator correction { coarse advection1d { cfl -0.5 method upwind }  net unet { width 4 levels 2 } }';
    expect(diags(DATA, emu)).toMatchObject([{ at: '2:70+29', message: expect.stringContaining('must divide by 4') }]);
  });
  test("an FNO's modes past the last axis's Nyquist limit, pointing at them", () => {
    expect(diags(DATA, 'emulator fno { width 4  modes 17 }')).toEqual([
      {
        at: '2:25+8',
        message: "an fno with modes 17 needs more points than the data's states [1, 30] have: the rfft of its last space axis (30 points) has only 16 frequencies",
        hint: 'use modes 16 or fewer (the Nyquist limit of this grid), or a finer grid',
      },
    ]);
  });
  test("an FNO's modes of both signs past a leading axis's, and its default modes at the block", () => {
    expect(diags('data advection { dims 2  points 16 }', 'emulator fno { width 4  modes 9 }')).toMatchObject([
      { at: '2:25+7', message: expect.stringContaining('space axis 0 (16 points) holds only 8 frequencies of each sign'), hint: expect.stringContaining('use modes 8 or fewer') },
    ]);
    expect(diags('data advection1d { points 16  modes 3 }', 'emulator fno { width 4 }')).toMatchObject([
      { at: '2:1+24', message: expect.stringContaining('an fno with modes 12 needs more points'), hint: expect.stringContaining('use modes 9 or fewer') },
    ]);
  });
  test('a kernel larger than the field', () => {
    expect(diags('data advection1d { points 4  modes 1 }', 'emulator resnet { kernel 5 }')).toEqual([
      { at: '2:1+28', message: 'kernel 5 is larger than the field, which has 4 points along space axis 0 of [1, 4]', hint: 'use a kernel of at most 4' },
    ]);
  });
  test('a convolutional network on states without space', () => {
    expect(diags('data lorenz63 { }', 'emulator resnet { width 8 blocks 1 }')).toEqual([
      {
        at: '2:1+36',
        message: "a resnet emulator needs states of shape [channels, ...space] with 1 to 3 space axes, but the data's states are [3]",
        hint: 'use an mlp emulator for states without space',
      },
    ]);
  });
  test("channels that are not the data's", () => {
    expect(diags(DATA, 'emulator resnet { channels 2 -> 1 }')).toEqual([
      { at: '2:1+35', message: "the emulator maps 2 to 1 channels, but the data's states have 1", hint: "e.g. channels 1 -> 1, or leave 'channels' out" },
    ]);
  });
  test('every family on a field it fits', () => {
    for (const emu of ['conv { width 8 depth 2 }', 'conv1d { channels 1 -> 4 -> 1 }', 'resnet { }', 'unet { width 4 levels 1 padding zero }', 'dilated { kernel 5 }', 'fno { width 4  modes 16 }'])
      expect(diags(DATA, `emulator ${emu}`), emu).toEqual([]);
  });
});

describe('options', () => {
  test('an option of another family', () => {
    expect(diags(DATA, 'emulator resnet { levels 2 }')).toEqual([
      {
        at: '2:19+6',
        message: "unknown option 'levels' for a resnet emulator",
        hint: 'expected one of: channels, kernel, padding, activation, final_activation, seed, width, blocks, norm',
      },
    ]);
  });
  test('an fno has no kernel', () => {
    expect(diags(DATA, 'emulator fno { kernel 3 }')).toEqual([
      { at: '2:16+6', message: "unknown option 'kernel' for an fno emulator", hint: 'expected one of: channels, width, modes, blocks, activation, final_activation, seed' },
    ]);
  });
  test('an unknown family', () => {
    expect(diags(DATA, 'emulator resnt { }')[0]).toEqual({ at: '2:10+5', message: "unknown emulator 'resnt'", hint: "did you mean 'resnet'?" });
  });
  test("a resnet's channels are its ends only", () => {
    expect(diags(DATA, 'emulator resnet { channels 1 -> 4 -> 1 }')).toEqual([
      { at: '2:28+11', message: "'channels' of a resnet gives its input and output counts only", hint: 'e.g. channels 1 -> 1; the width sets the layers between' },
    ]);
  });
  test("an fno's channels are its ends only", () => {
    expect(diags(DATA, 'emulator fno { channels 1 -> 4 -> 1 }')).toMatchObject([{ at: '2:25+11', message: "'channels' of an fno gives its input and output counts only" }]);
  });
  test("a stack's width and depth go together, and not with channels", () => {
    expect(diags(DATA, 'emulator conv { width 8 }')).toEqual([
      { at: '2:17+7', message: "'width' and 'depth' go together", hint: 'e.g. width 34 depth 10: ten hidden layers of 34 channels' },
    ]);
    expect(diags(DATA, 'emulator conv { channels 1 -> 4 -> 1  depth 2 }')).toEqual([
      { at: '2:39+7', message: "give either 'channels' or 'width' and 'depth', not both", hint: 'e.g. channels 1 -> 32 -> 1, or width 32 depth 1' },
    ]);
  });
  test('dilations are positive integers', () => {
    expect(diags(DATA, 'emulator dilated { dilations [1, 0.5] }')).toEqual([
      { at: '2:30+8', message: "'dilations' expects 1 to 64 integers from 1 to 4096", hint: 'e.g. dilations [1, 2, 4, 2, 1]' },
    ]);
  });
  test("a UNet's deepest width within the limits", () => {
    expect(diags(DATA, 'emulator unet { width 1024 levels 3 }')).toMatchObject([
      { at: '2:28+8', message: 'a unet of width 1024 and 3 levels has 8192 channels at its deepest level; txc allows at most 4096' },
    ]);
  });
});
