import { afterEach, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, mintHostJwt } from '../../src/jose/index.ts';
import {
  startClientModeSimulator,
  type ClientModeOptions,
  type ClientModeSimulator,
} from '../../src/sim/client-mode/index.ts';

/**
 * The knobs behind the client-coverage scenarios: discovery members and padding, server-defined
 * approval methods, an unserved notification URL, and a listing that needs a token.
 */

const started: ClientModeSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

async function start(opts: ClientModeOptions): Promise<ClientModeSimulator> {
  const sim = await startClientModeSimulator(opts);
  started.push(sim);
  return sim;
}

async function getJson(url: string, token?: string): Promise<{ status: number; body: any; bytes: number }> {
  const response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), bytes: text.length };
}

/** Registers a fresh host and agent for the sync capability; the answer body. */
async function register(sim: ClientModeSimulator): Promise<any> {
  const host = await generateEd25519KeyPair();
  const agent = await generateEd25519KeyPair();
  const token = await mintHostJwt({ host, aud: sim.issuer, agentPublicKey: agent.publicJwk });
  const response = await fetch(`${sim.issuer}/agent/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'knob test', capabilities: [sim.capabilities.sync] }),
  });
  return response.json();
}

describe('client-observe mode: extension knobs', () => {
  it('sets discovery members last and pads the document', async () => {
    const sim = await start({
      knobs: { discovery: { fields: { approval_methods: ['x-new'], x_extra: { a: 1 } }, paddingBytes: 200_000 } },
    });
    const answer = await getJson(`${sim.serviceUrl}/.well-known/agent-configuration`);
    expect(answer.body.approval_methods).toEqual(['x-new']);
    expect(answer.body.x_extra).toEqual({ a: 1 });
    expect(answer.body.issuer).toBe(sim.issuer);
    expect(answer.bytes).toBeGreaterThan(200_000);
  });

  it('names a server-defined approval method and an unserved notification URL on approval objects', async () => {
    const sim = await start({
      knobs: { approval: { policy: 'pending', extensionMethod: 'x-wallet', notificationUrl: 'unserved' } },
    });
    const registration = await register(sim);
    expect(registration.status).toBe('pending');
    expect(registration.approval.method).toBe('x-wallet');
    expect(registration.approval).not.toHaveProperty('user_code');
    const notification = registration.approval.notification_url as string;
    expect(notification.startsWith(sim.issuer)).toBe(true);
    expect((await fetch(notification)).status).toBe(404);
  });

  it('answers an anonymous listing 401 when the listing needs a token, and a host-signed one 200', async () => {
    const sim = await start({ knobs: { listing: { requiresAuth: true } } });
    expect((await getJson(`${sim.issuer}/capability/list`)).status).toBe(401);
    const host = await generateEd25519KeyPair();
    const token = await mintHostJwt({ host, aud: sim.issuer });
    expect((await getJson(`${sim.issuer}/capability/list`, token)).status).toBe(200);
  });
});
