import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, type JWK } from 'jose';
import { generateEd25519KeyPair, jwkThumbprint, type Ed25519KeyPair } from '../jose/index.ts';

/** The host key's file in the state directory. */
export const HOST_KEY_FILE = 'host-key.jwk.json';

/**
 * Rebuilds a key pair from a private Ed25519 JWK (the form keys are stored in). Throws for anything
 * that is not an OKP Ed25519 key with both x and d.
 */
export async function keyPairFromPrivateJwk(jwk: unknown): Promise<Ed25519KeyPair> {
  const { kty, crv, x, d } = (jwk ?? {}) as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || typeof d !== 'string') {
    throw new Error('not a private Ed25519 JWK (kty OKP, crv Ed25519, x and d)');
  }
  const privateJwk: JWK = { kty, crv, x, d };
  const privateKey = await importJWK(privateJwk, 'EdDSA');
  if (privateKey instanceof Uint8Array) throw new Error('expected an asymmetric key');
  const publicJwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x };
  return { publicJwk, privateJwk, privateKey, thumbprint: await jwkThumbprint(publicJwk) };
}

/**
 * The host identity: one Ed25519 key pair for every provider (§9.1), kept in the state directory as
 * a private JWK readable by its owner only (§10.7), or in memory when there is no state directory.
 */
export async function loadOrCreateHostKey(stateDir: string | undefined): Promise<Ed25519KeyPair> {
  if (stateDir === undefined) return generateEd25519KeyPair();
  const file = join(stateDir, HOST_KEY_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) return keyPairFromPrivateJwk(JSON.parse(text));
  const pair = await generateEd25519KeyPair();
  await writePrivateFile(file, `${JSON.stringify(pair.privateJwk, null, 2)}\n`);
  return pair;
}

/** Writes a file only its owner can read, in a directory only its owner can enter. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600);
}
