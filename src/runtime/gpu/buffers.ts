// Buffers whose size the user's configuration decides (the arena grows with
// the batch and the rollout, the trajectories with the data) are checked
// against the device's limits before they are allocated, so an oversized run
// fails with what to change instead of a driver error.
import { UserError } from '../../util/diagnostics.js';
import { guard } from './lost.js';

export interface SizedBuffer {
  /** What the buffer holds, in a user's words and in the plural: "the training trajectories". */
  what: string;
  bytes: number;
  usage: GPUBufferUsageFlags;
  /** What to change when it does not fit. */
  hint: string;
}

/** Throws unless the buffer fits (see fits). */
export function checkFits(device: GPUDevice, b: SizedBuffer): void {
  if (!fits(device, b))
    throw new UserError(`${b.what} take ${mib(roundUp(b.bytes))} MiB, more than the ${mib(bufferLimit(device))} MiB the GPU allows in one buffer`, b.hint);
}

/** Whether the buffer fits the device; every buffer here is bound whole as a storage binding, so that limit applies too. */
export function fits(device: GPUDevice, b: SizedBuffer): boolean {
  return roundUp(b.bytes) <= bufferLimit(device);
}

function bufferLimit(device: GPUDevice): number {
  return Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
}

export async function sizedBuffer(device: GPUDevice, b: SizedBuffer): Promise<GPUBuffer> {
  checkFits(device, b);
  const bytes = roundUp(b.bytes);
  device.pushErrorScope('out-of-memory');
  const buffer = device.createBuffer({ size: bytes, usage: b.usage, label: b.what });
  const err = await guard(device, () => device.popErrorScope());
  if (err) {
    buffer.destroy();
    throw new UserError(`the GPU has no memory left for ${b.what} (${mib(bytes)} MiB)`, b.hint);
  }
  return buffer;
}

function roundUp(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
