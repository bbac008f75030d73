// A JSON value as a few words for an error message. JSON.stringify would
// recurse into (and overflow on) a deeply nested value, or print megabytes.

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'string') return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
