import type { CheckResult } from '../model/index.ts';

/** A failure detail's value as one line of text: strings as they are, anything else as compact JSON. */
export function detailText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** `expected … / observed … (exchange #n)` lines of a check's structured failure; none without one. */
export function failureLines(result: CheckResult): string[] {
  const failure = result.failure;
  if (failure === undefined) return [];
  const lines: string[] = [];
  if ('expected' in failure) lines.push(`expected: ${detailText(failure.expected)}`);
  if ('observed' in failure) lines.push(`observed: ${detailText(failure.observed)}`);
  if (failure.exchange !== undefined) lines.push(`shown by exchange #${failure.exchange}`);
  return lines;
}
