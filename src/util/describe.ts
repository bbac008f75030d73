// Looking at a parsed JSON value that may be anything: what it is, and a few
// words for an error message. JSON.stringify would recurse into (and overflow
// on) a deeply nested value, or print megabytes.

/** A JSON object: not null, not a list. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
