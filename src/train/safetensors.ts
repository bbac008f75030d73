// Parameters in Hugging Face's safetensors format, for loading trained weights
// into PyTorch/JAX without a converter: an 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets: [begin, end]}} (offsets
// relative to the data section), then the raw little-endian tensors. Written
// here because no maintained npm package writes it (the one named
// `safetensors` is an unmaintained 0.0.1); the format is a page long. Read
// back by `tx eval` and `tx rollout`.
import type { Params } from '../runtime/params.js';
import { describeJson, isRecord } from '../util/describe.js';
import { UserError } from '../util/diagnostics.js';

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

/**
 * The tensors of a safetensors file, as float64, in the file's order; a file
 * that is not one, or holds another dtype, is a UserError naming `source`.
 */
export function readSafetensors(bytes: Uint8Array, source: string): Params {
  const fail = (message: string, hint?: string) => new UserError(`${source}: ${message}`, hint);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = bytes.length >= 8 ? Number(view.getBigUint64(0, true)) : Infinity;
  if (headLength > bytes.length - 8) throw fail('not a safetensors file (its header length runs past the end)');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLength)));
  } catch {
    throw fail('not a safetensors file (its header is not JSON)');
  }
  if (!isRecord(header)) throw fail('not a safetensors file (its header is not an object)');
  const base = 8 + headLength;
  const out: Params = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(entry) || !Array.isArray(entry.shape) || !Array.isArray(entry.data_offsets)) throw fail(`tensor '${name}' has no shape or data_offsets`);
    const width = entry.dtype === 'F32' ? 4 : entry.dtype === 'F64' ? 8 : undefined;
    if (width === undefined) throw fail(`tensor '${name}' is ${describeJson(entry.dtype)}; txc reads F32 and F64`, 'save the weights as float32 (e.g. tensor.float())');
    const shape = entry.shape as number[];
    const [begin, end] = entry.data_offsets as number[];
    const count = shape.reduce((a, x) => a * x, 1);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !Number.isSafeInteger(begin) || end !== begin! + count * width || base + end > bytes.length)
      throw fail(`tensor '${name}': shape [${shape.join(', ')}] and data_offsets [${begin}, ${end}] do not fit the file`);
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = width === 4 ? view.getFloat32(base + begin! + 4 * i, true) : view.getFloat64(base + begin! + 8 * i, true);
    out.set(name, { shape, data });
  }
  return out;
}
