// A step program's buffer, allocated. Codegen checked it against the
// device's limits (codegen/bindings.ts); what only the device knows is
// whether it has the memory left, and a run that asks for more than it has
// fails with what to change instead of a driver error.
import type { StepBuffer } from '../../codegen/bindings.js';
import { mib } from '../../codegen/bindings.js';
import { UserError } from '../../util/diagnostics.js';
import { guard } from './lost.js';

export async function sizedBuffer(device: GPUDevice, b: StepBuffer, usage: GPUBufferUsageFlags): Promise<GPUBuffer> {
  device.pushErrorScope('out-of-memory');
  const buffer = device.createBuffer({ size: b.bytes, usage, label: b.what });
  const err = await guard(device, () => device.popErrorScope());
  if (err) {
    buffer.destroy();
    throw new UserError(`the GPU has no memory left for ${b.what} (${mib(b.bytes)} MiB)`, b.hint);
  }
  return buffer;
}
