import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';

export interface DecodedJwt {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Why the header or the claims could not be decoded. */
  error?: string;
}

/** Decodes header and claims without verifying anything; never throws. */
export function decodeJwtUnverified(token: string): DecodedJwt {
  const result: DecodedJwt = {};
  const errors: string[] = [];
  try {
    result.header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (e) {
    errors.push(`header: ${errorText(e)}`);
  }
  try {
    result.claims = decodeJwt(token) as Record<string, unknown>;
  } catch (e) {
    errors.push(`claims: ${errorText(e)}`);
  }
  if (errors.length > 0) result.error = errors.join('; ');
  return result;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True for a three-segment base64url string whose first segment decodes to a JSON object. */
export function looksLikeJwt(s: string): boolean {
  if (!COMPACT_JWS.test(s)) return false;
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(s.slice(0, s.indexOf('.')))));
    return typeof header === 'object' && header !== null && !Array.isArray(header);
  } catch {
    return false;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
