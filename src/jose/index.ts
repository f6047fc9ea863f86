export type { Ed25519PublicJwk } from './types.ts';
export * from './keys.ts';
export * from './mint.ts';
export * from './decode.ts';
export * from './verify.ts';
