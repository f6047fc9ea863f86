import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBetterAuthTarget, type BetterAuthTarget } from '../../examples/better-auth/server.ts';
import { CONTROL_CONTRACT, CONTROL_OPERATIONS } from '../../src/harness/control-client.ts';
import { loadProfile } from '../../src/harness/target-profile.ts';
import { generateEd25519KeyPair, mintAgentJwt, mintHostJwt, type Ed25519KeyPair } from '../../src/jose/index.ts';
import { DiscoveryDocumentSchema, type DiscoveryDocument } from '../../src/protocol/index.ts';

interface Registered {
  agent_id: string;
  host_id: string;
  status: string;
}

let target: BetterAuthTarget;

beforeAll(async () => {
  target = await startBetterAuthTarget();
});

afterAll(async () => {
  await target?.stop();
});

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

function postJson(url: string, body: object, bearer?: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  return getJson(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('better-auth reference target', () => {
  let discovery: DiscoveryDocument;
  let host: Ed25519KeyPair;
  let agent: Ed25519KeyPair;
  let registered: Registered;

  it('serves discovery at the well-known path', async () => {
    const { status, body } = await getJson(target.discoveryUrl);
    expect(status).toBe(200);
    discovery = DiscoveryDocumentSchema.parse(body);
    expect(discovery.issuer).toBe(target.issuer);
    expect(discovery.modes).toEqual(expect.arrayContaining(['delegated', 'autonomous']));
    expect(discovery.approval_methods).toEqual(expect.arrayContaining(['device_authorization', 'ciba']));
  });

  it('lists the control operations it really supports', async () => {
    const { status, body } = await getJson(target.controlUrl);
    expect(status).toBe(200);
    expect(body.contract).toBe(CONTROL_CONTRACT);
    expect(body.supports).toEqual(expect.arrayContaining(['approve', 'deny', 'link-host', 'expire-agent', 'reset']));
    for (const op of body.supports) expect(CONTROL_OPERATIONS).toContain(op);
    expect(body.supports).not.toContain('advance-clock');
    expect(body.supports).not.toContain('unlink-host');
  });

  it('creates users with ids better-auth issued, and knows no other', async () => {
    const created = await postJson(`${target.controlUrl}/create-user`, {});
    expect(created.status).toBe(200);
    expect(typeof created.body.user_id).toBe('string');
    expect((await postJson(`${target.controlUrl}/delete-user`, { user_id: 'usr_made_up_by_a_harness' })).status).toBe(
      404,
    );
    expect((await postJson(`${target.controlUrl}/delete-user`, { user_id: created.body.user_id })).status).toBe(200);
  });

  it('restores a capability it removed', async () => {
    const names = async () =>
      ((await getJson(`${target.issuer}/capability/list`)).body.capabilities as { name: string }[]).map((c) => c.name);
    const before = await names();
    const name = before.at(-1) as string;
    expect((await postJson(`${target.controlUrl}/remove-capability`, { name })).status).toBe(200);
    expect(await names()).not.toContain(name);
    expect((await postJson(`${target.controlUrl}/restore-capability`, { name })).status).toBe(200);
    expect(await names()).toEqual(before);
  });

  it('ships a target profile naming capabilities it lists', async () => {
    const profile = await loadProfile(new URL('../../examples/better-auth/profile.json', import.meta.url).pathname);
    const { body } = await getJson(`${target.issuer}/capability/list`);
    const listed = (body.capabilities as { name: string }[]).map((c) => c.name);
    const named = [
      profile.sync,
      profile['with-input'],
      profile.constrainable?.name,
      profile.async,
      profile.stream,
      profile.second,
      profile.highRisk,
    ];
    for (const name of named) expect(listed).toContain(name);
  });

  it('lets an unknown host register a delegated agent, which waits for approval', async () => {
    host = await generateEd25519KeyPair();
    agent = await generateEd25519KeyPair();
    const hostJwt = await mintHostJwt({ host, aud: target.issuer, agentPublicKey: agent.publicJwk });
    const { status, body } = await postJson(
      `${target.issuer}/agent/register`,
      { name: 'example test agent', mode: 'delegated', capabilities: ['list_accounts'] },
      hostJwt,
    );
    expect(status).toBe(200);
    registered = body;
    // The plugin keeps a delegated agent of a not-yet-linked host pending until a user approves it.
    expect(registered.status).toBe('pending');
    expect(body.approval.method).toBe('device_authorization');
  });

  it('approves through the control adapter, after which the agent is active', async () => {
    const approved = await postJson(`${target.controlUrl}/approve`, { agent_id: registered.agent_id });
    expect(approved.status).toBe(200);
    expect(approved.body.ok).toBe(true);

    // The plugin resolves host JWTs by its own host id (or the key's kid), not by the key thumbprint.
    const hostJwt = await mintHostJwt({ host, aud: target.issuer, iss: registered.host_id });
    const { status, body } = await getJson(`${target.issuer}/agent/status?agent_id=${registered.agent_id}`, {
      headers: { authorization: `Bearer ${hostJwt}` },
    });
    expect(status).toBe(200);
    expect(body.status).toBe('active');
    expect(body.agent_capability_grants).toEqual([
      expect.objectContaining({ capability: 'list_accounts', status: 'active' }),
    ]);
  });

  it('executes list_accounts with an agent JWT', async () => {
    const location = discovery.default_location ?? `${discovery.issuer}/capability/execute`;
    const agentJwt = await mintAgentJwt({
      agent,
      hostIss: registered.host_id,
      agentId: registered.agent_id,
      aud: location,
    });
    const { status, body } = await postJson(location, { capability: 'list_accounts' }, agentJwt);
    expect(status).toBe(200);
    expect(body.data).toEqual([
      { account_id: 'acc_checking_001', name: 'Everyday Checking', type: 'checking' },
      { account_id: 'acc_savings_002', name: 'Rainy Day Savings', type: 'savings' },
    ]);
  });

  it('runs the async and streaming capabilities named in the profile once approved', async () => {
    const location = discovery.default_location ?? `${discovery.issuer}/capability/execute`;
    const agentJwt = (aud: string) =>
      mintAgentJwt({ agent, hostIss: registered.host_id, agentId: registered.agent_id, aud });
    const requested = await postJson(
      `${target.issuer}/agent/request-capability`,
      { capabilities: ['generate_report', 'stream_transactions'] },
      await agentJwt(target.issuer),
    );
    expect(requested.status).toBe(200);
    expect((await postJson(`${target.controlUrl}/approve`, { agent_id: registered.agent_id })).status).toBe(200);

    // The plugin means 202 here, but better-auth 1.7 drops the status it passes along (see README).
    const started = await postJson(location, { capability: 'generate_report' }, await agentJwt(location));
    expect([200, 202]).toContain(started.status);
    expect(started.body).toEqual({ status: 'pending', status_url: expect.any(String), retry_after: 1 });
    const poll = async () =>
      getJson(started.body.status_url, { headers: { authorization: `Bearer ${await agentJwt(location)}` } });
    expect((await poll()).body.status).toBe('pending');
    expect((await poll()).body).toEqual({ status: 'completed', result: expect.objectContaining({ transactions: 3 }) });

    const stream = await fetch(location, {
      method: 'POST',
      headers: { authorization: `Bearer ${await agentJwt(location)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ capability: 'stream_transactions' }),
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const events = (await stream.text()).match(/^event: \w+$/gm);
    expect(events).toEqual(['event: data', 'event: data', 'event: data', 'event: done']);
  });
});
