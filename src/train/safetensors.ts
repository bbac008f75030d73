// Parameters in Hugging Face's safetensors format, for loading trained weights
// into PyTorch/JAX without a converter: an 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets: [begin, end]}} (offsets
// relative to the data section), then the raw little-endian tensors. Written
// here because no maintained npm package writes it (the one named
// `safetensors` is an unmaintained 0.0.1); the format is a page long.
import type { Params } from '../runtime/params.js';

export type SafetensorsDtype = 'F32' | 'F64';

/** F32 by default: what PyTorch and JAX users load weights as. */
export function safetensors(params: Params, dtype: SafetensorsDtype = 'F32'): Uint8Array {
  const width = dtype === 'F32' ? 4 : 8;
  const header: Record<string, { dtype: SafetensorsDtype; shape: readonly number[]; data_offsets: [number, number] }> = {};
  let offset = 0;
  for (const [name, t] of params) {
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length * width] };
    offset += t.data.length * width;
  }
  // Padded with spaces to a multiple of 8 so the data section is aligned for
  // zero-copy readers, as the reference writer does.
  const json = JSON.stringify(header);
  const bytes = new TextEncoder().encode(json).length;
  const head = new TextEncoder().encode(json + ' '.repeat((8 - (bytes % 8)) % 8));
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of params.values()) {
    for (const x of t.data) {
      if (width === 4) view.setFloat32(at, x, true);
      else view.setFloat64(at, x, true);
      at += width;
    }
  }
  return out;
}
