// What a network needs of the data's states [C, N_0, …, N_{D-1}]: the
// channel counts it maps between, and for the convolutional families and the
// FNO a field of 1 to 3 spatial axes that its kernel fits, a UNet's levels
// halve and an FNO's modes fit below the Nyquist limit.
import type * as A from './ast.js';
import type { Span } from '../util/diagnostics.js';

/** The in and out channels of a network on fields with C channels (networks.md §1: the data's unless given). */
export function ioChannels(net: A.ConvNetwork | A.Fno, C: number): [number, number] {
  return [net.channelsIn ?? C, net.channelsOut ?? C];
}

/** A plain stack's channel counts [c_0, …, c_L] on states with C channels. */
export function stackChannels(net: A.ConvNet, C: number): number[] {
  const [cin, cout] = ioChannels(net, C);
  return [cin, ...net.hidden, cout];
}

type ReportAt = (span: Span, message: string, hint?: string) => void;

/** Diagnostics for a network on states of shape `snapshot` ([C, ...space], at least the channel axis). */
export function checkNetworkShape(net: A.Network, snapshot: readonly number[], fromFile: boolean, err: ReportAt): void {
  if (net.kind === 'mlp') return;
  const [C, ...N] = snapshot as [number, ...number[]];
  const shape = `[${snapshot.join(', ')}]`;
  if (N.length < 1 || N.length > 3) {
    const hint =
      N.length > 3
        ? 'txc convolves along 1 to 3 space axes'
        : fromFile
          ? "if the file's last axis is space, add a channel axis (numpy: x[:, :, None, :]); if it has no space axis, use an mlp emulator"
          : 'use an mlp emulator for states without space';
    err(net.span, `a ${net.kind} emulator needs states of shape [channels, ...space] with 1 to 3 space axes, but the data's states are ${shape}`, hint);
    return;
  }
  const [cin, cout] = ioChannels(net, C);
  if (cin !== C || cout !== C) {
    const example = net.kind === 'conv' ? `channels ${C} -> 16 -> ${C}` : `channels ${C} -> ${C}, or leave 'channels' out`;
    err(net.span, `the emulator maps ${cin} to ${cout} channels, but the data's states have ${C}`, `e.g. ${example}`);
  }
  if (net.kind === 'fno') return checkModes(net, N, shape, err);
  const axis = N.findIndex((n) => n < net.kernel);
  if (axis >= 0)
    err(net.span, `kernel ${net.kernel} is larger than the field, which has ${N[axis]} points along space axis ${axis} of ${shape}`, `use a kernel of at most ${Math.min(...N)}`);
  if (net.kind === 'unet') {
    const factor = 2 ** net.levels;
    if (N.some((n) => n % factor !== 0)) {
      const fits = Math.min(...N.map((n) => Math.log2(n & -n)));
      err(net.span, `a unet with ${net.levels} levels halves the field ${net.levels} times, so every spatial size must divide by ${factor}, but the data's states are ${shape}`, `use levels ${fits} or fewer, or grid sizes that are multiples of ${factor}`);
    }
  }
}

/**
 * An FNO keeps M modes on the last axis, whose rfft has N/2 + 1 bins, and M
 * of each sign on the others, which must not overlap (networks.md §6).
 */
function checkModes(net: A.Fno, N: readonly number[], shape: string, err: ReportAt): void {
  const last = N.length - 1;
  const fits = Math.min(Math.floor(N[last]! / 2) + 1, ...N.slice(0, last).map((n) => Math.floor(n / 2)));
  if (net.modes <= fits) return;
  const axis = N[last]! < 2 * net.modes - 2 ? last : N.slice(0, last).findIndex((n) => n < 2 * net.modes);
  const why =
    axis === last
      ? `the rfft of its last space axis (${N[last]} points) has only ${Math.floor(N[last]! / 2) + 1} frequencies`
      : `space axis ${axis} (${N[axis]} points) holds only ${Math.floor(N[axis]! / 2)} frequencies of each sign`;
  err(net.modesSpan, `an fno with modes ${net.modes} needs more points than the data's states ${shape} have: ${why}`, `use modes ${fits} or fewer (the Nyquist limit of this grid), or a finer grid`);
}
