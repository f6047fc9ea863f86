import type { Report } from '../model/index.ts';

/**
 * Reports carry what targets sent (bodies, parsed answers quoted as observed values, SSE events), and
 * a target can send anything: JSON nested thousands of levels deep overflows the stack of every
 * serializer, and huge strings or arrays blow up report size. Every writer renders the bounded copy
 * made here: deeper values, longer strings and longer arrays are cut with a marker saying so.
 */
export const MAX_DEPTH = 64;
export const MAX_STRING_CHARS = 256 * 1024;
export const MAX_ARRAY_ITEMS = 2000;

export function boundReport(report: Report): Report {
  return bound(report, 0) as Report;
}

function bound(value: unknown, depth: number): unknown {
  if (typeof value === 'string') {
    return value.length <= MAX_STRING_CHARS
      ? value
      : `${value.slice(0, MAX_STRING_CHARS)}…[cut: ${value.length - MAX_STRING_CHARS} more characters]`;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return `[cut: nested deeper than ${MAX_DEPTH} levels]`;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ARRAY_ITEMS).map((item) => bound(item, depth + 1));
    if (value.length > MAX_ARRAY_ITEMS) kept.push(`[cut: ${value.length - MAX_ARRAY_ITEMS} more items]`);
    return kept;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = bound(item, depth + 1);
  return out;
}
