import { z } from 'zod';
import { UrlSchema } from './common.ts';

/**
 * `WWW-Authenticate` challenges (RFC 7235 §2.1, §4.1) and the `AgentAuth` challenge of §5.14.
 *
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * Commas separate both challenges and the auth-params inside one challenge; after a comma, a token
 * followed by "=" continues the current challenge, any other token starts a new one.
 */

export const AGENT_AUTH_SCHEME = 'AgentAuth';

export interface AuthChallenge {
  /** Scheme as written; compare case-insensitively. */
  readonly scheme: string;
  /** Auth-params with lower-cased names (names are case-insensitive). */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

export class ChallengeSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'ChallengeSyntaxError';
  }
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_AT_END_OF_ELEMENT = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/;
const QUOTABLE = /^[\t\x20-\x7e\x80-\xff]*$/;

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  skipWhitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position += 1;
  }

  /** Skips whitespace and empty list elements (RFC 7230 §7). */
  skipListSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.position += 1;
  }

  readToken(): string {
    const start = this.position;
    while (!this.done && TCHAR.test(this.peek())) this.position += 1;
    return this.text.slice(start, this.position);
  }

  /** True when a token followed by optional whitespace and "=" starts here, i.e. an auth-param. */
  atAuthParam(): boolean {
    const match = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=/.exec(this.text.slice(this.position));
    return match !== null;
  }

  readQuotedString(): string {
    const start = this.position;
    this.position += 1; // opening quote
    let value = '';
    while (!this.done) {
      const char = this.peek();
      this.position += 1;
      if (char === '"') return value;
      if (char === '\\') {
        if (this.done) break;
        value += this.peek();
        this.position += 1;
      } else {
        value += char;
      }
    }
    throw new ChallengeSyntaxError('unterminated quoted-string', start);
  }

  fail(message: string): never {
    throw new ChallengeSyntaxError(message, this.position);
  }
}

function readParams(cursor: Cursor, params: Record<string, string>): void {
  for (;;) {
    const nameStart = cursor.position;
    const name = cursor.readToken().toLowerCase();
    cursor.skipWhitespace();
    if (cursor.peek() !== '=') cursor.fail('expected "=" after auth-param name');
    cursor.position += 1;
    cursor.skipWhitespace();
    const quoted = cursor.peek() === '"';
    const value = quoted ? cursor.readQuotedString() : cursor.readToken();
    if (!quoted && value === '') cursor.fail('expected auth-param value');
    if (Object.hasOwn(params, name)) throw new ChallengeSyntaxError(`duplicate auth-param "${name}"`, nameStart);
    // A defined own property even for "__proto__": plain assignment would set the object's
    // prototype and lose the parameter a server (or an attacker) sent.
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
    cursor.skipWhitespace();
    if (cursor.done) return;
    if (cursor.peek() !== ',') cursor.fail('expected "," between auth-params');
    const beforeSeparators = cursor.position;
    cursor.skipListSeparators();
    if (cursor.done) return;
    if (!cursor.atAuthParam()) {
      cursor.position = beforeSeparators;
      return;
    }
  }
}

function readChallenge(cursor: Cursor): AuthChallenge {
  const scheme = cursor.readToken();
  if (scheme === '') cursor.fail('expected auth-scheme');
  const params: Record<string, string> = {};
  if (cursor.done || cursor.peek() === ',') return { scheme, params };
  if (cursor.peek() !== ' ' && cursor.peek() !== '\t') cursor.fail('expected space after auth-scheme');
  cursor.skipWhitespace();
  if (cursor.done || cursor.peek() === ',') return { scheme, params };
  const token68 = TOKEN68_AT_END_OF_ELEMENT.exec(cursor.text.slice(cursor.position));
  if (token68) {
    cursor.position += token68[0].length;
    return { scheme, params, token68: token68[0] };
  }
  readParams(cursor, params);
  return { scheme, params };
}

/**
 * Parses a `WWW-Authenticate` field value; several field lines may be passed as an array (they combine
 * as a comma-separated list). Throws ChallengeSyntaxError on malformed input.
 */
export function parseWwwAuthenticate(value: string | readonly string[]): AuthChallenge[] {
  const cursor = new Cursor(typeof value === 'string' ? value : value.join(', '));
  const challenges: AuthChallenge[] = [];
  for (;;) {
    cursor.skipListSeparators();
    if (cursor.done) return challenges;
    challenges.push(readChallenge(cursor));
    cursor.skipWhitespace();
    if (!cursor.done && cursor.peek() !== ',') cursor.fail('expected "," between challenges');
  }
}

function quote(value: string): string {
  if (!QUOTABLE.test(value)) throw new TypeError('auth-param value contains characters a quoted-string cannot carry');
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

function assertToken(value: string, what: string): void {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) throw new TypeError(`${what} is not an RFC 7230 token: ${value}`);
}

/** Formats one challenge; auth-param values are always quoted. */
export function formatChallenge(challenge: AuthChallenge): string {
  assertToken(challenge.scheme, 'auth-scheme');
  if (challenge.token68 !== undefined) {
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(challenge.token68)) throw new TypeError('invalid token68');
    return `${challenge.scheme} ${challenge.token68}`;
  }
  const params = Object.entries(challenge.params).map(([name, value]) => {
    assertToken(name, 'auth-param name');
    return `${name}=${quote(value)}`;
  });
  return params.length === 0 ? challenge.scheme : `${challenge.scheme} ${params.join(', ')}`;
}

export function formatWwwAuthenticate(challenges: readonly AuthChallenge[]): string {
  return challenges.map(formatChallenge).join(', ');
}

export const AgentAuthChallengeParamsSchema = z
  .looseObject({ discovery: UrlSchema })
  .describe('Parameters of the AgentAuth WWW-Authenticate challenge (§5.14).');
export type AgentAuthChallengeParams = z.infer<typeof AgentAuthChallengeParamsSchema>;

/** The `AgentAuth discovery="..."` challenge of §5.14. */
export function formatAgentAuthChallenge(discoveryUrl: string): string {
  return formatChallenge({ scheme: AGENT_AUTH_SCHEME, params: { discovery: discoveryUrl } });
}

/** The first `AgentAuth` challenge among those in the field value, if any (scheme match ignores case). */
export function findAgentAuthChallenge(value: string | readonly string[]): AuthChallenge | undefined {
  return parseWwwAuthenticate(value).find(
    (challenge) => challenge.scheme.toLowerCase() === AGENT_AUTH_SCHEME.toLowerCase(),
  );
}
