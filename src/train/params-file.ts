// A trained run's parameters read back for `tx eval` and `tx rollout`: the
// params.safetensors or params.json `tx train` wrote, checked against the
// parameters the spec's emulator declares, so that weights of another
// network are refused by name and shape instead of failing inside a kernel.
import type { ParamDecl } from '../passes/inline/network.js';
import { paramsFromJson, type Params } from '../runtime/params.js';
import { UserError } from '../util/diagnostics.js';
import { readBytes, readText } from '../util/files.js';
import { readSafetensors } from './safetensors.js';

export function readParamsFile(path: string, decls: readonly ParamDecl[]): Params {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return paramsFromJson(readText(path), decls, path);
  if (lower.endsWith('.safetensors')) return matchDecls(readSafetensors(readBytes(path), path), decls, path);
  throw new UserError(`${path}: unknown parameter format; txc reads .safetensors and .json`, 'give the params.safetensors or params.json that tx train wrote');
}

/** The file's tensors in the emulator's order, each with the declared name and shape. */
function matchDecls(found: Params, decls: readonly ParamDecl[], file: string): Params {
  const expected = `this emulator has: ${decls.map((d) => `${d.name} [${d.shape.join(', ')}]`).join(', ')}`;
  const known = new Set(decls.map((d) => d.name));
  for (const name of found.keys())
    if (!known.has(name)) throw new UserError(`${file}: unknown parameter '${name}': these weights are not this spec's emulator's`, expected);
  const out: Params = new Map();
  for (const d of decls) {
    const t = found.get(d.name);
    if (!t) throw new UserError(`${file}: missing parameter '${d.name}'`, expected);
    if (t.shape.length !== d.shape.length || t.shape.some((x, i) => x !== d.shape[i]))
      throw new UserError(`${file}: '${d.name}' has shape [${t.shape.join(', ')}], but the emulator needs [${d.shape.join(', ')}]`, expected);
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new UserError(`${file}: '${d.name}' entry ${bad} is ${t.data[bad]}; parameters must be finite`);
    out.set(d.name, { shape: d.shape, data: t.data });
  }
  return out;
}
