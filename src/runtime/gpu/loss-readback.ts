// Step losses on their way to the host without stalling the queue: each
// step's command buffer copies its loss (and what else the host logs with it,
// the norms of a step that clips) into the open group's mappable buffer, and
// a full group (or one flushed early) is mapped as a whole, so the host
// learns losses every `groupSize` steps while the GPU works on.
import { guard } from './lost.js';

interface Group {
  buffer: GPUBuffer;
  count: number;
  mapped?: Promise<void>;
}

export class LossReadback {
  private open: Group | undefined;
  private readonly inFlight: Group[] = [];
  private readonly free: GPUBuffer[] = [];

  /** `stepBytes`: what one step copies, a multiple of 4. */
  constructor(
    private readonly device: GPUDevice,
    private readonly groupSize: number,
    private readonly stepBytes = 4,
  ) {}

  /** Encodes the copies of a step's values, `stepBytes` in all, in order; `submitted` must follow the submit of `enc`. */
  record(enc: GPUCommandEncoder, parts: readonly { src: GPUBuffer; offset: number; bytes: number }[]): void {
    this.open ??= { buffer: this.free.pop() ?? this.device.createBuffer({ size: this.groupSize * this.stepBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }), count: 0 };
    let at = this.open.count * this.stepBytes;
    for (const p of parts) {
      enc.copyBufferToBuffer(p.src, p.offset, this.open.buffer, at, p.bytes);
      at += p.bytes;
    }
  }

  submitted(): void {
    if (++this.open!.count === this.groupSize) this.flush();
  }

  /** Maps the open group now, however few losses it holds. */
  private flush(): void {
    const g = this.open;
    if (!g?.count) return;
    this.open = undefined;
    g.mapped = g.buffer.mapAsync(GPUMapMode.READ, 0, g.count * this.stepBytes);
    // A map that fails with the device is reported by `next`, if anyone
    // still asks; it must not also surface as an unhandled rejection.
    g.mapped.catch(() => {});
    this.inFlight.push(g);
  }

  /** The oldest group's values, step after step (flushing the open group when nothing else is on its way); undefined when no step is pending. */
  async next(): Promise<Float32Array | undefined> {
    if (!this.inFlight.length) this.flush();
    const g = this.inFlight.shift();
    if (!g) return undefined;
    return guard(this.device, async () => {
      await g.mapped;
      const losses = new Float32Array(g.buffer.getMappedRange(0, g.count * this.stepBytes).slice(0));
      g.buffer.unmap();
      this.free.push(g.buffer);
      return losses;
    });
  }

  destroy(): void {
    for (const g of [...this.inFlight, ...(this.open ? [this.open] : [])]) g.buffer.destroy();
    for (const b of this.free) b.destroy();
  }
}
