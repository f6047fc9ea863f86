import { DriverConfigError } from './driver.ts';

/**
 * Command lines and placeholders. Commands run WITHOUT a shell: a `--command` string is split into
 * argv once, quote-aware, and placeholders are substituted inside each argument afterwards, so an
 * issuer URL with `&` or a temporary path with spaces can never be re-split or interpreted. Whoever
 * needs pipes or redirections writes `sh -c '…'` explicitly.
 */

/** What `{issuer}`, `{tmp}` and `{scenario}` stand for in one scenario. */
export interface PlaceholderValues {
  issuer: string;
  tmp: string;
  scenario: string;
}

const PLACEHOLDER = /\{(issuer|tmp|scenario)\}/g;

/** Replaces `{issuer}`, `{tmp}` and `{scenario}`; any other brace text is left alone (JSON stays intact). */
export function substitute(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER, (_match, name: keyof PlaceholderValues) => values[name]);
}

export function substituteAll(values: PlaceholderValues, templates: readonly string[]): string[] {
  return templates.map((template) => substitute(template, values));
}

export function substituteEnv(
  env: Readonly<Record<string, string>>,
  values: PlaceholderValues,
): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, substitute(value, values)]));
}

const SHELL_SYNTAX = /[|&;<>`]|\$\(/;

/**
 * Splits a command line into argv the way a POSIX shell would for plain words: whitespace
 * separates, single quotes are literal, double quotes allow `\"`, `\\`, `\$` and `` \` ``, and a
 * backslash outside quotes escapes the next character. Unquoted shell syntax (pipes, redirections,
 * `;`, `&`, `$(…)`) and leading `NAME=value` assignments are rejected with a hint, since nothing
 * would interpret them.
 */
export function splitCommandLine(line: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  let unquotedInWord = '';
  const finish = () => {
    if (!inWord) return;
    if (SHELL_SYNTAX.test(unquotedInWord)) {
      throw new DriverConfigError(
        `command ${JSON.stringify(line)} uses shell syntax (${JSON.stringify(unquotedInWord)}); commands run without a shell, write sh -c '…' to use one`,
      );
    }
    if (argv.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(unquotedInWord)) {
      throw new DriverConfigError(
        `command ${JSON.stringify(line)} starts with an environment assignment; pass it with --env instead`,
      );
    }
    argv.push(current);
    current = '';
    unquotedInWord = '';
    inWord = false;
  };
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && index + 1 < line.length && '"\\$`'.includes(line[index + 1]!)) current += line[++index];
      else current += char;
      continue;
    }
    if (/\s/.test(char)) {
      finish();
      continue;
    }
    inWord = true;
    if (char === "'" || char === '"') quote = char;
    else if (char === '\\') {
      if (index + 1 < line.length) current += line[++index];
    } else {
      current += char;
      unquotedInWord += char;
    }
  }
  if (quote !== undefined)
    throw new DriverConfigError(`command ${JSON.stringify(line)} has an unclosed ${quote} quote`);
  finish();
  if (argv.length === 0) throw new DriverConfigError('the command is empty');
  return argv;
}

/** Parses repeated `--env NAME=value` options. */
export function parseEnvAssignments(assignments: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const assignment of assignments) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(assignment);
    if (!match) throw new DriverConfigError(`--env ${JSON.stringify(assignment)} is not NAME=value`);
    env[match[1]!] = match[2]!;
  }
  return env;
}
