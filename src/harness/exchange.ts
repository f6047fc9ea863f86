import { decodeJwtUnverified } from '../jose/index.ts';
import type { DecodedJwtView } from '../model/exchange.ts';

/**
 * Building exchanges as the harness records them: display forms of bodies and tokens, with private
 * key material redacted. The exchange model itself lives in src/model/exchange.ts.
 */

/** Response bodies are shown up to this many bytes; the rest is replaced by a marker. */
export const DISPLAY_BODY_LIMIT = 64 * 1024;

/** The bearer token of an Authorization header value, if it carries one. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

/** Header and claims of a bearer token, with private key material (`d`) redacted. */
export function decodeForDisplay(token: string): DecodedJwtView {
  const decoded = decodeJwtUnverified(token);
  const view: DecodedJwtView = {};
  if (decoded.header !== undefined) view.header = redactPrivateKeys(decoded.header) as Record<string, unknown>;
  if (decoded.claims !== undefined) view.claims = redactPrivateKeys(decoded.claims) as Record<string, unknown>;
  if (decoded.error !== undefined) view.error = decoded.error;
  return view;
}

export const REDACTED = '[redacted private key material]';

/** A copy of `value` where every JWK-like object (one with `kty`) loses its private `d` member. */
export function redactPrivateKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactPrivateKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, member]): [string, unknown] => {
    if (key === 'd' && 'kty' in value) return [key, REDACTED];
    return [key, redactPrivateKeys(member)];
  });
  return Object.fromEntries(entries);
}

/** The request body as shown in reports: JSON bodies lose private key material, others are kept. */
export function displayRequestBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const redacted = redactPrivateKeys(parsed);
  return JSON.stringify(redacted) === JSON.stringify(parsed) ? body : JSON.stringify(redacted);
}

/** Decodes the first DISPLAY_BODY_LIMIT bytes of a body, appending a marker when cut. */
export function displayBody(
  bytes: Uint8Array,
  totalBytes: number,
  complete: boolean,
): { text: string; truncated: boolean } {
  const shown = bytes.subarray(0, DISPLAY_BODY_LIMIT);
  const text = new TextDecoder().decode(shown);
  if (totalBytes > shown.length || !complete) {
    const what = complete ? `${totalBytes} bytes in total` : `more than ${totalBytes} bytes, not read to the end`;
    return { text: `${text}\n…[truncated: ${what}]`, truncated: true };
  }
  return { text, truncated: false };
}
