import { jwtVerify } from 'jose';
import { importPublicJwk } from './keys.ts';
import type { Ed25519PublicJwk } from './types.ts';

export interface VerifyEdDsaOptions {
  /** Expected header `typ`. */
  typ?: string;
  currentDate?: Date;
  /** Seconds. */
  clockTolerance?: number;
}

/** Verifies an EdDSA-signed JWT against one public key (signature, typ and time claims only). Throws on failure. */
export async function verifyEdDsaJwt(
  token: string,
  publicJwk: Ed25519PublicJwk,
  opts: VerifyEdDsaOptions = {},
): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const { protectedHeader, payload } = await jwtVerify(token, await importPublicJwk(publicJwk), {
    algorithms: ['EdDSA'],
    typ: opts.typ,
    currentDate: opts.currentDate,
    clockTolerance: opts.clockTolerance,
  });
  return { header: protectedHeader as Record<string, unknown>, claims: payload as Record<string, unknown> };
}
