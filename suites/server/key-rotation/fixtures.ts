import {
  defineCheck,
  describeAnswer,
  generateEd25519KeyPair,
  jwks,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
  type Ed25519KeyPair,
  type HostIdentity,
  type HttpResult,
  type PublishedJwks,
} from '../../../src/harness/api.ts';
import { isRefusal } from '../_shared/refusals.ts';
import { expectRegistered } from '../_shared/registration.ts';

/** Key ids of the harness's JWKS-keyed identities: a host's first key, its rotated key, an agent's key. */
export const HOST_KID = 'conformance-host-key-1';
export const ROTATED_HOST_KID = 'conformance-host-key-2';
export const AGENT_KID = 'conformance-agent-key-1';

/** Notes that the harness's loopback JWKS is only reachable by a target running on this machine. */
export function noteReachability(t: CheckContext): void {
  const { hostname } = new URL(t.client.issuer);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    t.note(
      `the target (${hostname}) does not look like it runs on this machine; it can reach the harness's JWKS on 127.0.0.1 only if it does`,
    );
  }
}

/**
 * Checks that need the target to fetch a harness-served JWKS run only when the operator allowed
 * loopback http fetches for this run; otherwise they are skipped (RUL-JWKS-LOOPBACK).
 */
export function requireLoopbackAllowance(t: CheckContext): void {
  if (t.profile.jwksLoopbackAllowed !== true) {
    t.skip(
      'the target profile does not declare jwksLoopbackAllowed: without that operator allowance the server must refuse the harness-served http JWKS on 127.0.0.1 (§8.12), so JWKS-keyed identities cannot be exercised (RUL-JWKS-LOOPBACK): once the server allows it, give "jwksLoopbackAllowed": true in the --profile JSON',
    );
  }
  noteReachability(t);
}

/**
 * A key-rotation check whose target must fetch a harness-served JWKS: it is scored under
 * RUL-JWKS-LOOPBACK (before any `rulings` of its own) and runs only under the loopback allowance.
 */
export function defineLoopbackJwksCheck(check: Omit<CheckDefinition, 'area'>): CheckDefinition {
  const { rulings = [], run, ...rest } = check;
  return defineCheck({
    ...rest,
    area: 'key-rotation',
    rulings: ['RUL-JWKS-LOOPBACK', ...rulings],
    async run(t: CheckContext) {
      requireLoopbackAllowance(t);
      await run(t);
    },
  });
}

/** Checks of the refusal itself do not apply once the operator allowed loopback fetching (RUL-JWKS-LOOPBACK). */
export function requireNoLoopbackAllowance(t: CheckContext): void {
  if (t.profile.jwksLoopbackAllowed === true) {
    t.notApplicable(
      'the target profile declares jwksLoopbackAllowed: the operator allowed http JWKS fetches from 127.0.0.1 for this run, so fetching the harness JWKS is expected (RUL-JWKS-LOOPBACK)',
    );
  }
  noteReachability(t);
}

export interface JwksHostFixture {
  host: HostIdentity;
  /** The host's key set as the harness serves it. */
  published: PublishedJwks;
}

/** A fresh JWKS-keyed host: its key (kid HOST_KID) is served by the harness, its JWTs name that URL. */
export async function newJwksHost(t: CheckContext): Promise<JwksHostFixture> {
  const host = await t.client.newHost({ kid: HOST_KID });
  const published = await t.jwks.publish('host', jwks(host.keys));
  host.jwksUrl = published.url;
  return { host, published };
}

/** A JWKS-keyed host with one active agent granted the sync capability (approved through the control hook). */
export async function jwksHostWithAgent(t: CheckContext): Promise<JwksHostFixture & { agent: AgentIdentity }> {
  const fixture = await newJwksHost(t);
  const registration = await t.client.register(fixture.host, { capabilities: [t.capability('sync')] });
  const agent = expectRegistered(
    t,
    registration,
    'precondition: register under a JWKS-keyed host (host_jwks_url + kid, §4.2)',
    fixture.published,
  );
  const status: unknown = registration.json?.status;
  if (status === 'pending') await t.client.approve(agent);
  else if (status !== 'active')
    t.fail(
      `precondition: the registration answered status ${JSON.stringify(status)}, expected "active" or "pending" (§5.3)`,
    );
  return { ...fixture, agent };
}

/** Fails unless a registration was refused with a 4xx error and created no agent. */
export function expectRegistrationRefused(t: CheckContext, result: HttpResult, what: string, expected: string): void {
  if (!isRefusal(result) || typeof result.json?.agent_id === 'string') {
    t.fail(`${what}: expected a 4xx refusal (${expected}), got ${describeAnswer(result)}`);
  }
}

/**
 * A JWKS key rotation (§8.7): serves the current key together with a new one (kid ROTATED_HOST_KID)
 * and switches the host to sign with the new key. Tells the server nothing; returns the old key.
 */
export async function rotateJwksHostKey(fixture: JwksHostFixture): Promise<Ed25519KeyPair> {
  const previous = fixture.host.keys;
  const next = await generateEd25519KeyPair({ kid: ROTATED_HOST_KID });
  fixture.published.replace(jwks(previous, next));
  fixture.host.previousKeys.push(previous);
  fixture.host.keys = next;
  return previous;
}
