/**
 * Check-id patterns for --only / --skip: comma-separated; `*` matches any run of characters,
 * `?` one character; a pattern without wildcards matches that id and every id below it
 * (`server.jwt` matches `server.jwt.agent.typ`).
 */
export function parsePatterns(values: string | readonly string[] | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  return list
    .flatMap((value) => value.split(','))
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
}

export function matchesPattern(id: string, pattern: string): boolean {
  if (!/[*?]/.test(pattern)) return id === pattern || id.startsWith(`${pattern}.`);
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(id);
}

export function matchesAny(id: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPattern(id, pattern));
}

/** Whether a check runs under the given --only and --skip patterns. */
export function isSelected(id: string, only: readonly string[], skip: readonly string[]): boolean {
  return (only.length === 0 || matchesAny(id, only)) && !matchesAny(id, skip);
}

/**
 * Why only/skip patterns that leave no check are refused (a run of nothing would certify nothing);
 * `options` names them as the caller knows them (command-line options, or API fields).
 */
export function noCheckSelectedMessage(total: number, options = '--only/--skip'): string {
  return `${options} leave none of the ${total} checks to run (check ids look like server.jwt.agent.execute.missing-exp; globs with *)`;
}
