import { describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, jwks } from '../../src/jose/index.ts';
import { FAULTS, type FaultName, type SimulatorOptions } from '../../src/sim/index.ts';
import { loadCatalogue, requirementById } from '../../src/catalogue/load.ts';
import { faultListing } from '../../src/cli/simulate.ts';
import { SimDriver, type RegisteredAgent } from './helpers.ts';
import { JwksServer } from './jwks-server.ts';

const TRANSFER = { amount: 100, currency: 'USD', destination_account: 'acc_456' };

async function constrained(d: SimDriver, constraints: Record<string, unknown>): Promise<RegisteredAgent> {
  return d.activeAgent({ capabilities: [{ name: 'transfer_money', constraints }] });
}

async function jwksHostRegistration(d: SimDriver) {
  const server = await JwksServer.start();
  try {
    const host = await generateEd25519KeyPair({ kid: 'h1' });
    const url = server.json('/host.json', () => jwks(host));
    const agent = await generateEd25519KeyPair();
    const token = await d.hostJwt(host, { hostJwksUrl: url, agentPublicKey: agent.publicJwk });
    return await d.post('/agent/register', { name: 'jwks' }, token);
  } finally {
    await server.stop();
  }
}

interface Scenario {
  options?: SimulatorOptions;
  /** Drives the faulty simulator and asserts the breach is visible. */
  run(d: SimDriver): Promise<void>;
}

/** For every fault: what a conformant server refuses, and the faulty simulator lets through. */
const SCENARIOS: Record<FaultName, Scenario> = {
  'accepts-wrong-typ-agent': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { typ: 'JWT' }))).status).toBe(200);
    },
  },
  'accepts-wrong-typ-host': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get(`/agent/status?agent_id=${a.agentId}`, await d.hostJwt(a.host, { typ: 'JWT' }))).status).toBe(
        200,
      );
    },
  },
  'accepts-host-token-as-agent': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.execute(a, 'check_balance', { account_id: 'x' }, { typ: 'host+jwt' })).status).toBe(200);
    },
  },
  'skips-aud-check': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { aud: 'https://evil.example' }))).status).toBe(200);
      expect((await d.status(a, a.host)).status).toBe(200);
      const hostToken = await d.hostJwt(a.host, { aud: 'https://evil.example' });
      expect((await d.get(`/agent/status?agent_id=${a.agentId}`, hostToken)).status).toBe(200);
    },
  },
  'no-replay-cache': {
    async run(d) {
      const a = await d.activeAgent();
      const token = await d.agentJwt(a);
      expect((await d.get('/capability/list', token)).status).toBe(200);
      expect((await d.get('/capability/list', token)).status).toBe(200);
    },
  },
  'short-replay-cache': {
    async run(d) {
      const a = await d.activeAgent();
      const token = await d.agentJwt(a, { iat: d.now() - 70, exp: d.now() - 10 });
      expect((await d.get('/capability/list', token)).status).toBe(200);
      d.sim.clock.advance(15);
      expect((await d.get('/capability/list', token)).status).toBe(200);
    },
  },
  'replay-check-race': {
    async run(d) {
      const a = await d.activeAgent();
      const token = await d.agentJwt(a);
      const answers = await Promise.all([d.get('/capability/list', token), d.get('/capability/list', token)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    },
  },
  'aud-prefix-match': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { aud: `${d.issuer}/` }))).status).toBe(200);
      expect((await d.status(a, a.host)).status).toBe(200);
      const token = await d.hostJwt(a.host, { aud: `${d.issuer}/agent/status` });
      expect((await d.get(`/agent/status?agent_id=${a.agentId}`, token)).status).toBe(200);
    },
  },
  'missing-jti-accepted': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { omitClaims: ['jti'] }))).status).toBe(200);
    },
  },
  'accepts-alg-none': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { variant: 'alg-none' }))).status).toBe(200);
    },
  },
  'accepts-hs256': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { variant: 'hs256-public-key' }))).status).toBe(200);
    },
  },
  'skips-signature-check': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.get('/capability/list', await d.agentJwt(a, { variant: 'other-key' }))).status).toBe(200);
    },
  },
  'accepts-future-iat': {
    async run(d) {
      const a = await d.activeAgent();
      expect(
        (await d.get('/capability/list', await d.agentJwt(a, { iat: d.now() + 45, exp: d.now() + 100 }))).status,
      ).toBe(200);
    },
  },
  'wide-iat-skew': {
    async run(d) {
      const a = await d.activeAgent();
      expect(
        (await d.get('/capability/list', await d.agentJwt(a, { iat: d.now() + 38, exp: d.now() + 98 }))).status,
      ).toBe(200);
    },
  },
  'accepts-expired-jwt': {
    async run(d) {
      const a = await d.activeAgent();
      expect(
        (await d.get('/capability/list', await d.agentJwt(a, { iat: d.now() - 300, exp: d.now() - 200 }))).status,
      ).toBe(200);
    },
  },
  'no-iss-thumbprint-check': {
    async run(d) {
      const other = await generateEd25519KeyPair();
      expect((await d.register({}, { token: { iss: other.thumbprint } })).status).toBe(200);
    },
  },
  'key-mode-switch-accepted': {
    async run(d) {
      const a = await d.activeAgent();
      const token = await d.hostJwt(a.host, {
        hostJwksUrl: 'https://jwks.example/h.json',
        includeHostPublicKey: false,
      });
      expect((await d.get(`/agent/status?agent_id=${a.agentId}`, token)).status).toBe(200);
    },
  },
  'jwks-fetch-unprotected': {
    async run(d) {
      expect((await jwksHostRegistration(d)).status).toBe(200);
    },
  },
  'old-agent-key-works-after-rotation': {
    async run(d) {
      const a = await d.activeAgent();
      const fresh = await generateEd25519KeyPair();
      await d.post('/agent/rotate-key', { agent_id: a.agentId, public_key: fresh.publicJwk }, await d.hostJwt(a.host));
      expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(200);
    },
  },
  'old-host-key-works-after-rotation': {
    async run(d) {
      const a = await d.activeAgent();
      const fresh = await generateEd25519KeyPair();
      await d.post('/host/rotate-key', { public_key: fresh.publicJwk }, await d.hostJwt(a.host));
      expect((await d.status(a)).status).toBe(200);
    },
  },
  'unknown-host-auto-approved': {
    async run(d) {
      const answer = await d.register({ capabilities: ['check_balance'] });
      expect(answer.body.status).toBe('active');
      expect(answer.body.agent_capability_grants[0].status).toBe('active');
    },
  },
  'revoked-host-registers': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/host/revoke', {}, await d.hostJwt(a.host));
      expect((await d.register({}, { host: a.host })).status).toBe(200);
    },
  },
  'pending-agent-executes': {
    async run(d) {
      const a = await d.activeAgent();
      const pending = await d.register({ capabilities: ['transfer_international'] }, { host: a.host });
      expect(pending.body.status).toBe('pending');
      const token = await d.agentJwt({ host: a.host, agent: pending.agent, agentId: pending.body.agent_id });
      expect((await d.get('/capability/list', token)).status).toBe(200);
    },
  },
  'expired-agent-executes': {
    async run(d) {
      const a = await d.activeAgent();
      await d.control('expire-agent', { agent_id: a.agentId, clock: 'session' });
      expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(200);
    },
  },
  'revoked-agent-executes': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(200);
    },
  },
  'no-revocation-cascade': {
    async run(d) {
      const a = await d.activeAgent();
      const answer = await d.post('/host/revoke', {}, await d.hostJwt(a.host));
      expect(answer.body.agents_revoked).toBe(0);
    },
  },
  'unlink-keeps-delegated-agents': {
    async run(d) {
      const a = await d.activeAgent();
      await d.control('unlink-host', { host_id: a.hostId });
      expect((await d.status(a)).body.status).toBe('active');
    },
  },
  'user-deletion-no-cascade': {
    async run(d) {
      const a = await d.activeAgent();
      await d.control('delete-user', { user_id: 'usr_simulated_user' });
      expect((await d.execute(a, 'check_balance', { account_id: 'x' })).status).toBe(200);
    },
  },
  'autonomous-claim-skipped': {
    async run(d) {
      const a = await d.activeAgent({ mode: 'autonomous' });
      await d.control('link-host', { host_id: a.hostId });
      expect((await d.status(a)).body.status).toBe('active');
    },
  },
  'keeps-escalated-grants-on-reactivation': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['check_balance', 'transfer_money'] });
      await d.control('expire-agent', { agent_id: a.agentId, clock: 'session' });
      await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect((await d.execute(a, 'transfer_money', TRANSFER)).status).toBe(200);
    },
  },
  'resets-absolute-clock': {
    async run(d) {
      const a = await d.activeAgent();
      await d.control('expire-agent', { agent_id: a.agentId, clock: 'absolute' });
      const answer = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('active');
    },
  },
  'reactivates-revoked-agent': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
      const answer = await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect(answer.body.status).toBe('active');
    },
  },
  'status-shows-foreign-agent': {
    async run(d) {
      const a = await d.activeAgent();
      const b = await d.activeAgent();
      expect((await d.status({ host: b.host, agentId: a.agentId })).status).toBe(200);
    },
  },
  'revoke-foreign-agent': {
    async run(d) {
      const a = await d.activeAgent();
      const b = await d.activeAgent();
      expect((await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(b.host))).status).toBe(200);
      expect((await d.status(a)).body.status).toBe('revoked');
    },
  },
  'pending-registration-not-idempotent': {
    async run(d) {
      const host = await generateEd25519KeyPair();
      const agent = await generateEd25519KeyPair();
      const first = await d.register({}, { host, agent });
      const second = await d.register({}, { host, agent });
      expect(second.body.agent_id).not.toBe(first.body.agent_id);
    },
  },
  'agent-exists-not-rejected': {
    async run(d) {
      const a = await d.activeAgent();
      const again = await d.register({}, { host: a.host, agent: a.agent });
      expect(again.status).toBe(200);
      expect(again.body.agent_id).not.toBe(a.agentId);
    },
  },
  'registration-race': {
    async run(d) {
      const host = await generateEd25519KeyPair();
      const agent = await generateEd25519KeyPair();
      const answers = await Promise.all([d.register({}, { host, agent }), d.register({}, { host, agent })]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(answers[0]?.body.agent_id).not.toBe(answers[1]?.body.agent_id);
    },
  },
  'unsupported-mode-accepted': {
    options: { modes: ['delegated'] },
    async run(d) {
      expect((await d.register({ mode: 'autonomous' })).status).toBe(200);
    },
  },
  'no-grant-status-with-agent-jwt': {
    async run(d) {
      const a = await d.activeAgent();
      const answer = await d.get('/capability/list', await d.agentJwt(a));
      expect(answer.body.capabilities[0].grant_status).toBeUndefined();
    },
  },
  'wrong-error-code-capability-not-found': {
    async run(d) {
      const answer = await d.get('/capability/describe?name=nope');
      expect(answer.status).toBe(404);
      expect(answer.body.error).not.toBe('capability_not_found');
    },
  },
  'removed-capability-executes': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['list_accounts'] });
      await d.control('remove-capability', { name: 'list_accounts' });
      expect((await d.execute(a, 'list_accounts')).status).toBe(200);
    },
  },
  'ignores-max-operator': {
    async run(d) {
      const a = await constrained(d, { amount: { max: 100 } });
      expect((await d.execute(a, 'transfer_money', { ...TRANSFER, amount: 5000 })).status).toBe(200);
    },
  },
  'ignores-min-operator': {
    async run(d) {
      const a = await constrained(d, { amount: { min: 50 } });
      expect((await d.execute(a, 'transfer_money', { ...TRANSFER, amount: 1 })).status).toBe(200);
    },
  },
  'ignores-in-operator': {
    async run(d) {
      const a = await constrained(d, { currency: { in: ['USD'] } });
      expect((await d.execute(a, 'transfer_money', { ...TRANSFER, currency: 'GBP' })).status).toBe(200);
    },
  },
  'ignores-not-in-operator': {
    async run(d) {
      const a = await constrained(d, { currency: { not_in: ['GBP'] } });
      expect((await d.execute(a, 'transfer_money', { ...TRANSFER, currency: 'GBP' })).status).toBe(200);
    },
  },
  'ignores-exact-constraint': {
    async run(d) {
      const a = await constrained(d, { destination_account: 'acc_456' });
      expect((await d.execute(a, 'transfer_money', { ...TRANSFER, destination_account: 'acc_999' })).status).toBe(200);
    },
  },
  'truncates-numeric-arguments': {
    async run(d) {
      const a = await constrained(d, { amount: { max: 100 } });
      expect((await d.execute(a, 'transfer_money', { ...TRANSFER, amount: 100.5 })).status).toBe(200);
    },
  },
  'widens-constraints': {
    async run(d) {
      const a = await constrained(d, { amount: { max: 500 } });
      const grant = (await d.status(a)).body.agent_capability_grants.find(
        (g: any) => g.capability === 'transfer_money',
      );
      expect(grant.constraints.amount.max).toBeGreaterThan(500);
    },
  },
  'unknown-operator-ignored': {
    async run(d) {
      const answer = await d.register({
        capabilities: [{ name: 'transfer_money', constraints: { amount: { between: [1, 5] } } }],
      });
      expect(answer.status).toBe(200);
    },
  },
  'capabilities-claim-ignored': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['check_balance', 'list_accounts'] });
      expect(
        (await d.execute(a, 'check_balance', { account_id: 'x' }, { capabilities: ['list_accounts'] })).status,
      ).toBe(200);
    },
  },
  'sync-response-has-status': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await d.execute(a, 'check_balance', { account_id: 'x' })).body.status).toBeDefined();
    },
  },
  'async-pending-200': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['generate_report'] });
      const answer = await d.execute(a, 'generate_report', {});
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('pending');
    },
  },
  'async-poll-unauthenticated': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['generate_report'] });
      const started = await d.execute(a, 'generate_report', {});
      expect((await d.get(started.body.status_url)).status).toBe(200);
    },
  },
  'async-poll-any-agent': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['generate_report'] });
      const b = await d.activeAgent();
      const started = await d.execute(a, 'generate_report', {});
      expect((await d.get(started.body.status_url, await d.agentJwt(b))).status).toBe(200);
    },
  },
  'sse-no-done-event': {
    async run(d) {
      const a = await d.activeAgent({ capabilities: ['stream_transactions'] });
      const answer = await d.execute(a, 'stream_transactions');
      expect(answer.text).toContain('event: data');
      expect(answer.text).not.toContain('event: done');
    },
  },
  'introspect-ignores-revocation': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect((await d.post('/agent/introspect', { token: await d.agentJwt(a) })).body.active).toBe(true);
    },
  },
  'no-rate-limit': {
    options: { rateLimit: { limit: 2, windowSeconds: 60 } },
    async run(d) {
      for (let i = 0; i < 5; i += 1) expect((await d.get('/capability/list')).status).toBe(200);
    },
  },
  'rejected-agent-authenticates': {
    async run(d) {
      const a = await rejectedAgent(d);
      expect((await d.get('/capability/list', await d.agentJwt(a))).status).toBe(200);
    },
  },
  'claimed-agent-requests-capabilities': {
    async run(d) {
      const a = await d.activeAgent({ mode: 'autonomous' });
      await d.control('link-host', { host_id: a.hostId });
      expect((await d.status(a)).body.status).toBe('claimed');
      expect((await requestCapability(d, a, 'check_balance')).status).toBe(200);
    },
  },
  'expired-agent-requests-capabilities': {
    async run(d) {
      const a = await expiredAgent(d, 'session');
      expect((await requestCapability(d, a, 'transfer_money')).status).toBe(200);
    },
  },
  'introspect-expired-active': {
    async run(d) {
      const a = await expiredAgent(d, 'max');
      expect((await d.post('/agent/introspect', { token: await d.agentJwt(a) })).body.active).toBe(true);
    },
  },
  'introspect-pending-active': {
    async run(d) {
      const a = await pendingAgentOfActiveHost(d);
      expect((await d.post('/agent/introspect', { token: await d.agentJwt(a) })).body.active).toBe(true);
    },
  },
  'pending-agent-lists-authenticated': {
    async run(d) {
      const a = await pendingAgentOfActiveHost(d);
      const listing = await d.get('/capability/list', await d.agentJwt(a));
      expect(listing.body.capabilities[0].grant_status).toBeDefined();
    },
  },
  'revoked-agent-lists-authenticated': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
      const listing = await d.get('/capability/list', await d.agentJwt(a));
      expect(listing.body.capabilities[0].grant_status).toBeDefined();
    },
  },
  'reactivates-pending-agent': {
    async run(d) {
      const a = await pendingAgentOfActiveHost(d);
      expect((await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host))).status).toBe(200);
    },
  },
  'reactivates-claimed-agent': {
    async run(d) {
      const a = await d.activeAgent({ mode: 'autonomous' });
      await d.control('link-host', { host_id: a.hostId });
      expect((await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host))).status).toBe(200);
    },
  },
  'reactivates-rejected-agent': {
    async run(d) {
      const a = await rejectedAgent(d);
      expect((await d.post('/agent/reactivate', { agent_id: a.agentId }, await d.hostJwt(a.host))).status).toBe(200);
    },
  },
  'rotate-key-activates-pending': {
    async run(d) {
      const a = await pendingAgentOfActiveHost(d);
      await rotateKey(d, a);
      expect((await d.status(a)).body.status).toBe('active');
    },
  },
  'rotate-key-revives-expired': {
    async run(d) {
      const a = await expiredAgent(d, 'session');
      await rotateKey(d, a);
      expect((await d.status(a)).body.status).toBe('active');
    },
  },
  'rotate-key-revives-revoked': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect((await rotateKey(d, a)).status).toBe(200);
      expect((await d.status(a)).body.status).toBe('active');
    },
  },
  'pending-grant-executes': {
    async run(d) {
      const a = await d.activeAgent();
      expect((await requestCapability(d, a, 'transfer_international')).body.agent_capability_grants[0].status).toBe(
        'pending',
      );
      expect((await d.execute(a, 'transfer_international', INTERNATIONAL)).status).toBe(200);
    },
  },
  'denied-grant-executes': {
    async run(d) {
      const a = await d.activeAgent();
      await requestCapability(d, a, 'transfer_international');
      await d.control('deny', { agent_id: a.agentId, capabilities: ['transfer_international'] });
      expect((await d.execute(a, 'transfer_international', INTERNATIONAL)).status).toBe(200);
    },
  },
  'revoke-leaves-pending-agent': {
    async run(d) {
      const a = await pendingAgentOfActiveHost(d);
      await d.post('/agent/revoke', { agent_id: a.agentId }, await d.hostJwt(a.host));
      expect((await d.status(a)).body.status).toBe('pending');
    },
  },
  'revoked-host-status-readable': {
    async run(d) {
      const a = await d.activeAgent();
      await d.post('/host/revoke', {}, await d.hostJwt(a.host));
      expect((await d.status(a)).status).toBe(200);
    },
  },
  'unlink-spares-pending': {
    async run(d) {
      const a = await pendingAgentOfActiveHost(d);
      const hostId = (await d.status(a)).body.host_id;
      await d.control('unlink-host', { host_id: hostId });
      expect((await d.status(a)).body.status).toBe('pending');
    },
  },
  'absolute-clock-spares-expired': {
    async run(d) {
      const a = await d.activeAgent();
      await d.control('expire-agent', { agent_id: a.agentId, clock: 'session' });
      await d.control('expire-agent', { agent_id: a.agentId, clock: 'absolute' });
      expect((await d.status(a)).body.status).toBe('expired');
    },
  },
  'approval-revives-expired': {
    async run(d) {
      const a = await d.activeAgent();
      await d.control('expire-agent', { agent_id: a.agentId, clock: 'session' });
      expect((await d.control('approve', { agent_id: a.agentId })).status).toBe(200);
      expect((await d.status(a)).body.status).toBe('active');
    },
  },
  'denial-rejects-active-agent': {
    async run(d) {
      const a = await d.activeAgent();
      await requestCapability(d, a, 'transfer_international');
      await d.control('deny', { agent_id: a.agentId });
      expect((await d.status(a)).body.status).toBe('rejected');
    },
  },
  'host-rotation-drops-grants': {
    async run(d) {
      const a = await d.activeAgent();
      const next = await generateEd25519KeyPair();
      expect((await d.post('/host/rotate-key', { public_key: next.publicJwk }, await d.hostJwt(a.host))).status).toBe(
        200,
      );
      // Agent JWTs name the host by its current key's thumbprint (§4.3).
      expect((await d.execute(a, 'check_balance', { account_id: 'x' }, { hostIss: next.thumbprint })).status).toBe(403);
    },
  },
};

const INTERNATIONAL = { amount: 100, currency: 'EUR', destination_iban: 'DE89370400440532013000' };

/** A pending agent under an approved host: the host's second registration asks for a high-risk capability. */
async function pendingAgentOfActiveHost(d: SimDriver): Promise<RegisteredAgent> {
  const first = await d.activeAgent();
  const pending = await d.register({ capabilities: ['transfer_international'] }, { host: first.host });
  expect(pending.body.status).toBe('pending');
  return { ...first, agent: pending.agent, agentId: pending.body.agent_id, registration: pending.body };
}

async function rejectedAgent(d: SimDriver): Promise<RegisteredAgent> {
  const a = await pendingAgentOfActiveHost(d);
  await d.control('deny', { agent_id: a.agentId });
  expect((await d.status(a)).body.status).toBe('rejected');
  return a;
}

async function expiredAgent(d: SimDriver, clock: 'session' | 'max'): Promise<RegisteredAgent> {
  const a = await d.activeAgent();
  await d.control('expire-agent', { agent_id: a.agentId, clock });
  return a;
}

function requestCapability(d: SimDriver, a: RegisteredAgent, capability: string) {
  return d.agentJwt(a).then((token) => d.post('/agent/request-capability', { capabilities: [capability] }, token));
}

async function rotateKey(d: SimDriver, a: RegisteredAgent) {
  const next = await generateEd25519KeyPair();
  return d.post('/agent/rotate-key', { agent_id: a.agentId, public_key: next.publicJwk }, await d.hostJwt(a.host));
}

describe('fault registry', () => {
  it('has at least 30 faults, each with a description and catalogue requirement ids', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(30);
    for (const fault of FAULTS) {
      expect(fault.description.length).toBeGreaterThan(10);
      expect(fault.requirements.length).toBeGreaterThan(0);
      for (const id of fault.requirements) expect(id).toMatch(/^AAP-[0-9.]+-[A-Za-z0-9_.-]+$/);
    }
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
  });

  it('names catalogue requirements of the server; each fault breaks a MUST (two break the registration-retry SHOULDs)', () => {
    const catalogue = requirementById(loadCatalogue());
    const shouldOnly = new Set(['pending-registration-not-idempotent', 'agent-exists-not-rejected']);
    for (const fault of FAULTS) {
      const entries = fault.requirements.map((id) => catalogue.get(id));
      expect(
        entries.every((entry) => entry !== undefined),
        `${fault.name}: ${fault.requirements.join(', ')}`,
      ).toBe(true);
      for (const entry of entries) expect(entry!.role, `${fault.name} -> ${entry!.id}`).toBe('server');
      const breaksMust = entries.some((entry) => entry!.level === 'MUST' || entry!.level === 'MUST NOT');
      expect(breaksMust, fault.name).toBe(!shouldOnly.has(fault.name));
    }
  });

  it('--list-faults prints every fault with its requirement ids', () => {
    const listing = faultListing().join('\n');
    for (const fault of FAULTS) {
      expect(listing).toContain(fault.name);
      for (const id of fault.requirements) expect(listing).toContain(id);
    }
  });

  it('every fault has a scenario below', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(FAULTS.map((f) => f.name).sort());
  });

  it('rejects unknown fault names', async () => {
    await expect(SimDriver.start({ faults: ['no-such-fault' as FaultName] })).rejects.toThrow(/unknown fault/);
  });
});

describe('each fault breaks its requirement', () => {
  for (const fault of FAULTS) {
    const scenario = SCENARIOS[fault.name as FaultName];
    it(`${fault.name} (${fault.requirements.join(' ')})`, async () => {
      const d = await SimDriver.start({ ...scenario.options, faults: [fault.name as FaultName] });
      try {
        await scenario.run(d);
      } finally {
        await d.stop();
      }
    });
  }
});

describe('without the fault the same scenario fails (the simulator is conformant there)', () => {
  for (const fault of FAULTS) {
    const scenario = SCENARIOS[fault.name as FaultName];
    it(`${fault.name} is refused by the unfaulted simulator`, async () => {
      const d = await SimDriver.start({ ...scenario.options });
      try {
        await expect(scenario.run(d)).rejects.toThrow();
      } finally {
        await d.stop();
      }
    });
  }
});
