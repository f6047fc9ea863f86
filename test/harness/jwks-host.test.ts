import { afterEach, describe, expect, it } from 'vitest';
import { JwksHost } from '../../src/harness/jwks-host.ts';

describe('JwksHost', () => {
  let host: JwksHost;

  afterEach(() => host.close());

  it('serves host and agent documents at distinct loopback URLs and records each fetch', async () => {
    host = new JwksHost();
    const hostSet = await host.publish('host', { keys: [{ kid: 'h' }] });
    const agentSet = await host.publish('agent', { keys: [{ kid: 'a' }] });
    expect(hostSet.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/host-jwks\//);
    expect(agentSet.url).toMatch(/\/agent-jwks\//);
    expect(new URL(hostSet.url).origin).toBe(new URL(agentSet.url).origin);
    expect(hostSet.url).not.toBe(agentSet.url);

    const answer = await fetch(hostSet.url);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(await answer.json()).toEqual({ keys: [{ kid: 'h' }] });
    expect(hostSet.fetches).toHaveLength(1);
    expect(agentSet.fetches).toHaveLength(0);
    expect((await fetch(new URL('/elsewhere', hostSet.url))).status).toBe(404);
  });

  it('changes what it serves: a new document, raw text, a redirect, a withdrawal', async () => {
    host = new JwksHost();
    const published = await host.publish('host', { keys: [] });
    published.replace({ keys: [{ kid: 'rotated' }] });
    expect(await (await fetch(published.url)).json()).toEqual({ keys: [{ kid: 'rotated' }] });
    published.replaceText('{"keys": [');
    expect(await (await fetch(published.url)).text()).toBe('{"keys": [');
    published.redirectTo('http://127.0.0.1:9/next');
    const redirect = await fetch(published.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('http://127.0.0.1:9/next');
    published.withdraw();
    expect((await fetch(published.url)).status).toBe(503);
    expect(published.fetches).toHaveLength(4);
  });

  it('serves extra response headers with a replaced document', async () => {
    host = new JwksHost();
    const published = await host.publish('host', { keys: [] });
    published.replace({ keys: [{ kid: 'cached' }] }, { 'cache-control': 'max-age=3600' });
    const answer = await fetch(published.url);
    expect(answer.headers.get('cache-control')).toBe('max-age=3600');
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('stalls: never answers, and records when the fetcher gives up', async () => {
    host = new JwksHost();
    const published = await host.publish('host', { keys: [] });
    published.stall();
    const giveUp = new AbortController();
    const pending = fetch(published.url, { signal: giveUp.signal });
    await expect.poll(() => published.fetches.length).toBe(1);
    expect(published.fetches[0]?.abandonedAt).toBeUndefined();
    giveUp.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => published.fetches[0]?.abandonedAt).toBeDefined();
  });

  it('closes stalled connections when closed, without calling that an abandonment', async () => {
    host = new JwksHost();
    const published = await host.publish('agent', { keys: [] });
    published.stall();
    const pending = fetch(published.url);
    await expect.poll(() => published.fetches.length).toBe(1);
    await host.close();
    await expect(pending).rejects.toThrow();
    expect(published.fetches[0]?.abandonedAt).toBeUndefined();
  });

  it('starts only when something is published and refuses to publish once closed', async () => {
    host = new JwksHost();
    await host.close();
    await expect(host.publish('host', { keys: [] })).rejects.toThrow(/closed/);
  });

  it('stops serving when closed', async () => {
    host = new JwksHost();
    const published = await host.publish('agent', { keys: [] });
    await host.close();
    await expect(fetch(published.url)).rejects.toThrow();
  });
});
