import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair, mintAgentJwt, mintHostJwt, type Ed25519KeyPair } from '../../src/jose/index.ts';
import {
  startClientModeSimulator,
  type ClientModeOptions,
  type ClientModeSimulator,
  type ObservedRequest,
} from '../../src/sim/client-mode/index.ts';
import { routeOf } from '../../src/sim/client-mode/endpoints.ts';
import { nonLoopbackAddress } from '../../src/sim/client-mode/extra-listeners.ts';

/**
 * Client-mode knobs that shape where things are served and how: an issuer with a path, and the extra
 * listeners (plain http off loopback, https with an untrusted certificate).
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

interface Agent {
  host: Ed25519KeyPair;
  agent: Ed25519KeyPair;
  id: string;
}

async function json(response: Response): Promise<any> {
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

/** Registers an agent at `registerUrl` with host JWT aud = the simulator's issuer. */
async function register(sim: ClientModeSimulator, registerUrl: string, capabilities: string[]): Promise<Agent> {
  const host = await generateEd25519KeyPair();
  const agent = await generateEd25519KeyPair();
  const token = await mintHostJwt({ host, aud: sim.issuer, agentPublicKey: agent.publicJwk });
  const response = await fetch(registerUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'layout test', capabilities }),
  });
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return { host, agent, id: body.agent_id };
}

function agentJwt(sim: ClientModeSimulator, a: Agent, aud = sim.issuer): Promise<string> {
  return mintAgentJwt({ agent: a.agent, agentId: a.id, hostIss: a.host.thumbprint, aud });
}

function recorded(sim: ClientModeSimulator, endpoint: ObservedRequest['endpoint']): ObservedRequest[] {
  return sim.requests().filter((request) => request.endpoint === endpoint);
}

describe('client-observe mode: an issuer with a path', () => {
  it('serves every endpoint under the issuer path and nothing outside it but discovery', async () => {
    const sim = await start({ knobs: { issuerPath: '/tenant-a' } });
    const origin = new URL(sim.issuer).origin;
    expect(sim.issuer).toBe(`${origin}/tenant-a`);
    expect(sim.serviceUrl).toBe(sim.issuer);

    for (const where of [
      `${sim.issuer}/.well-known/agent-configuration`,
      `${origin}/.well-known/agent-configuration`,
      `${origin}/.well-known/agent-configuration/tenant-a`,
    ]) {
      const document = await json(await fetch(where));
      expect(document).toMatchObject({
        issuer: sim.issuer,
        default_location: `${sim.issuer}/capability/execute`,
        endpoints: { register: '/agent/register' },
      });
    }

    const a = await register(sim, `${sim.issuer}/agent/register`, [sim.capabilities.sync]);
    const executed = await fetch(`${sim.issuer}/capability/execute`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await agentJwt(sim, a, `${sim.issuer}/capability/execute`)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ capability: sim.capabilities.sync, arguments: {} }),
    });
    expect(executed.status).toBe(200);

    // The path dropped: recorded as the endpoint meant, answered 404.
    const outside = await fetch(`${origin}/agent/register`, { method: 'POST', body: '{}' });
    expect(outside.status).toBe(404);
    const registers = recorded(sim, 'register');
    expect(registers.map((r) => [new URL(r.url).pathname, r.response.status])).toEqual([
      ['/tenant-a/agent/register', 200],
      ['/agent/register', 404],
    ]);
  });

  it('hands out async status URLs under the issuer path, and accepts polls there', async () => {
    const sim = await start({
      knobs: { issuerPath: '/tenant-a', execution: { async: { pendingPolls: 0, statusUrl: 'same-origin' } } },
    });
    const a = await register(sim, `${sim.issuer}/agent/register`, [sim.capabilities.async]);
    const executeUrl = `${sim.issuer}/capability/execute`;
    const startedJob = await json(
      await fetch(executeUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${await agentJwt(sim, a, executeUrl)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ capability: sim.capabilities.async, arguments: {} }),
      }),
    );
    expect(startedJob.status_url.startsWith(`${sim.issuer}/capability/status/`)).toBe(true);
    const poll = await fetch(startedJob.status_url, {
      headers: { authorization: `Bearer ${await agentJwt(sim, a, startedJob.status_url)}` },
    });
    expect([poll.status, (await json(poll)).status]).toEqual([200, 'completed']);
  });
});

describe('client-observe mode: extra listeners', () => {
  it('serves discovery only, over https with a self-signed certificate nobody trusts', async () => {
    const sim = await start({ knobs: { extraListeners: ['untrusted-tls'] } });
    const origin = sim.extraOrigins['untrusted-tls']!;
    expect(origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // Node verifies certificates: the handshake fails and nothing reaches the simulator.
    const refused = await fetch(`${origin}/.well-known/agent-configuration`).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error & { cause?: { code?: string } }).cause?.code)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(sim.requests().filter((r) => r.listener === 'untrusted-tls')).toEqual([]);
  });

  it('presents a certificate whose only defect is that nobody vouches for it', async () => {
    const sim = await start({ knobs: { extraListeners: ['untrusted-tls'] } });
    const { port } = new URL(sim.extraOrigins['untrusted-tls']!);
    const der = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().raw);
        socket.end();
      });
      socket.once('error', reject);
    });
    const certificate = new X509Certificate(der);
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    const now = Date.now();
    expect(new Date(certificate.validFrom).getTime()).toBeLessThan(now);
    expect(new Date(certificate.validTo).getTime()).toBeGreaterThan(now);
  });

  it('serves discovery only, over plain http on a non-loopback address, to this machine only', async () => {
    const address = nonLoopbackAddress();
    if (address === undefined) {
      await expect(start({ knobs: { extraListeners: ['plain-http'] } })).rejects.toThrow(/no non-loopback/);
      return;
    }
    const sim = await start({ knobs: { extraListeners: ['plain-http'] } });
    const origin = sim.extraOrigins['plain-http']!;
    expect(new URL(origin).protocol).toBe('http:');
    expect(new URL(origin).hostname.replace(/^\[|\]$/g, '')).toBe(address);
    const document = await json(await fetch(`${origin}/.well-known/agent-configuration`));
    expect(document.issuer).toBe(sim.issuer);
    expect((await fetch(`${origin}/agent/register`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(
      sim
        .requests()
        .filter((r) => r.listener === 'plain-http')
        .map((r) => r.endpoint),
    ).toEqual(['discovery', 'register']);
  });
});

describe('client-observe mode: routes', () => {
  it('routes by listener and issuer path', () => {
    expect(routeOf('sim', '/agent/register', undefined)).toEqual({ endpoint: 'register', appPath: '/agent/register' });
    expect(routeOf('sim', '/t/agent/register', '/t')).toEqual({ endpoint: 'register', appPath: '/agent/register' });
    expect(routeOf('sim', '/agent/register', '/t')).toEqual({ endpoint: 'register', appPath: undefined });
    expect(routeOf('sim', '/.well-known/agent-configuration/t', '/t')).toEqual({
      endpoint: 'discovery',
      appPath: '/.well-known/agent-configuration',
    });
    expect(routeOf('foreign', '/t/agent/register', '/t')).toEqual({ endpoint: 'other', appPath: '/t/agent/register' });
  });

  it('refuses an issuer path that is not /segments', async () => {
    for (const issuerPath of ['tenant', '/tenant/', '/te nant']) {
      await expect(start({ knobs: { issuerPath } })).rejects.toThrow(/issuer path/);
    }
  });
});
