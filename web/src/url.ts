// The spec lives in the URL's fragment, so a link shares it and the server
// never sees it: `#spec=<base64url of the UTF-8 text>&config=<name>`.
// `#example=<path under specs/>` opens an example by name.

import { MAX_SOURCE_CHARS } from '../../src/dsl/limits.js';
export interface UrlState {
  spec?: string;
  example?: string;
  config?: string;
  /** The link's spec was over MAX_LINK_SPEC_CHARS: not decoded, said to the user instead. */
  tooLong?: true;
}

/**
 * The longest spec a link may carry, in characters: the checker's limit on a
 * source. A longer one is refused before it is decoded, let alone compiled.
 */
export const MAX_LINK_SPEC_CHARS = MAX_SOURCE_CHARS;

export function encodeState(s: UrlState): string {
  const parts: string[] = [];
  if (s.spec !== undefined) parts.push(`spec=${toBase64Url(s.spec)}`);
  else if (s.example !== undefined) parts.push(`example=${encodeURIComponent(s.example)}`);
  if (s.config) parts.push(`config=${encodeURIComponent(s.config)}`);
  return parts.length ? `#${parts.join('&')}` : '';
}

export function decodeState(hash: string): UrlState {
  const out: UrlState = {};
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const [key, value] = [part.slice(0, eq), part.slice(eq + 1)];
    try {
      // base64 holds 3 bytes in 4 characters; a UTF-8 character is at least a byte.
      if (key === 'spec' && (value.length * 3) / 4 > MAX_LINK_SPEC_CHARS * 4) out.tooLong = true;
      else if (key === 'spec') {
        const spec = fromBase64Url(value);
        if (spec.length > MAX_LINK_SPEC_CHARS) out.tooLong = true;
        else out.spec = spec;
      }
      else if (key === 'example') out.example = decodeURIComponent(value);
      else if (key === 'config') out.config = decodeURIComponent(value);
    } catch {
      /* a mangled link: ignore that part */
    }
  }
  return out;
}

export function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
