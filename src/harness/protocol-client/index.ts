/**
 * The harness playing the protocol's client: ProtocolClient and the identities, tokens and request
 * options it deals in. Layers, one module each: target.ts → identities.ts → tokens.ts → calls.ts →
 * fixtures.ts (ProtocolClient).
 */
export type { TargetInfo } from './target.ts';
export type { AgentIdentity, AgentRef, Auth, HostIdentity } from './identities.ts';
export type { AgentTokenOptions, HostTokenOptions } from './tokens.ts';
export type { ApprovalHints, ExecuteOptions, RawOptions, RegisterOptions, RegisterResult } from './calls.ts';
export { ProtocolClient, type FixtureOptions } from './fixtures.ts';
