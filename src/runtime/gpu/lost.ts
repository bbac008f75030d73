// A lost device (driver reset, GPU removed, out of memory in the driver)
// shows up as failing work: a mapAsync that rejects, a mapped range that is
// gone. Every read of GPU results goes through `guard`, which turns such a
// failure into one clear error.
import { UserError } from '../../util/diagnostics.js';

export class DeviceLostError extends UserError {
  constructor(info: GPUDeviceLostInfo) {
    super(
      `the GPU device was lost (${info.reason === 'destroyed' ? 'destroyed' : 'lost'}${info.message ? `: ${info.message.trim()}` : ''})`,
      'the driver may have reset or run out of memory; a smaller batch needs less',
    );
  }
}

/** `work`'s result; if it fails because the device is gone, a DeviceLostError instead of the bare exception. */
export async function guard<T>(device: GPUDevice, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    // The loss may be reported a moment after the work it broke.
    const info = await Promise.race([device.lost, new Promise<undefined>((r) => setTimeout(r, 10))]);
    throw info ? new DeviceLostError(info) : e;
  }
}
