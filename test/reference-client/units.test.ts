import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  agentVerdict,
  grantsVerdict,
  pollApproval,
  type PresentedApproval,
} from '../../src/reference-client/approval.ts';
import { freshnessSeconds } from '../../src/reference-client/cache-control.ts';
import { widenedGrants } from '../../src/reference-client/constraints.ts';
import type { Provider } from '../../src/reference-client/discovery.ts';
import { ClientFaultSet, type ClientFaultName } from '../../src/reference-client/faults.ts';
import type { HttpAnswer } from '../../src/reference-client/http.ts';
import { retryDelaySeconds } from '../../src/reference-client/rate-limit.ts';
import type { ServerApi } from '../../src/reference-client/server-api.ts';
import { SseDecoder } from '../../src/reference-client/sse.ts';
import type { Connection } from '../../src/reference-client/state.ts';
import { UrlPolicy } from '../../src/reference-client/url-policy.ts';

describe('SseDecoder', () => {
  it('joins data lines, defaults the type to data, skips comments, survives split CRLF', () => {
    const decoder = new SseDecoder();
    const events = [
      ...decoder.push(': comment\r'),
      ...decoder.push('\ndata: a\r\ndata: b\r\n\r\nevent: error\ndata: {"error":"x"}\n\nevent: done\n\n'),
    ];
    expect(events).toEqual([
      { event: 'data', data: 'a\nb', typed: false },
      { event: 'error', data: '{"error":"x"}', typed: true },
      { event: 'done', data: '', typed: true },
    ]);
  });
});

describe('freshnessSeconds', () => {
  const fresh = (cacheControl: string | null) =>
    freshnessSeconds(new Headers(cacheControl === null ? {} : { 'cache-control': cacheControl }), {
      defaultSeconds: 3600,
      maxSeconds: 86_400,
    });

  it('honours no-store, no-cache and max-age, defaults to an hour and caps at a day', () => {
    expect(fresh('no-store')).toBe(0);
    expect(fresh('no-cache, max-age=60')).toBe(0);
    expect(fresh('public, max-age=120')).toBe(120);
    expect(fresh(null)).toBe(3600);
    expect(fresh('max-age=999999')).toBe(86_400);
  });
});

describe('widenedGrants', () => {
  const grant = (constraints: unknown) => [{ capability: 'pay', status: 'active', constraints }];
  const proposal = [{ name: 'pay', constraints: { amount: { max: 100 }, currency: { in: ['USD'] }, to: 'acc_1' } }];

  it('accepts equal or narrower grants and flags wider ones', () => {
    expect(widenedGrants(proposal, grant({ amount: { max: 50 }, currency: { in: ['USD'] }, to: 'acc_1' }))).toEqual([]);
    expect(widenedGrants(proposal, grant({ amount: { max: 10_000 }, currency: { in: ['USD'] }, to: 'acc_1' }))).toEqual(
      ['pay'],
    );
    expect(
      widenedGrants(proposal, grant({ amount: { max: 100 }, currency: { in: ['USD', 'EUR'] }, to: 'acc_1' })),
    ).toEqual(['pay']);
    expect(widenedGrants(proposal, grant({ amount: { max: 100 }, currency: 'USD' }))).toEqual(['pay']);
  });

  it('does not judge a constraint with operators it does not know', () => {
    expect(
      widenedGrants(proposal, grant({ amount: { max_per_day: 3 }, currency: { in: ['USD'] }, to: 'acc_1' })),
    ).toEqual([]);
  });
});

describe('retryDelaySeconds', () => {
  const headers = (retryAfter?: string) => new Headers(retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  const none = new ClientFaultSet();

  it('waits Retry-After, backs off 1, 2, 4 s without it, and gives up on long waits and after three retries', () => {
    expect(retryDelaySeconds(headers('7'), 0, none)).toBe(7);
    expect([0, 1, 2].map((attempt) => retryDelaySeconds(headers(), attempt, none))).toEqual([1, 2, 4]);
    expect(retryDelaySeconds(headers('3600'), 0, none)).toBeUndefined();
    expect(retryDelaySeconds(headers(), 3, none)).toBeUndefined();
  });
});

describe('UrlPolicy', () => {
  it('takes https, and http only on loopback under the allowance', () => {
    const allowing = new UrlPolicy(true);
    const strict = new UrlPolicy(false);
    expect(() => allowing.require('http://127.0.0.1:9/x', 'u')).not.toThrow();
    expect(() => allowing.require('http://[::1]:9/x', 'u')).not.toThrow();
    expect(() => allowing.require('http://example.test/x', 'u')).toThrow(/https/);
    expect(() => strict.require('http://127.0.0.1:9/x', 'u')).toThrow(/https/);
    expect(() => strict.require('https://example.test/x', 'u')).not.toThrow();
    expect(() => strict.require('ftp://example.test/x', 'u')).toThrow();
  });
});

describe('pollApproval', () => {
  afterEach(() => vi.useRealTimers());

  const provider = {
    name: 'fake',
    issuer: 'https://auth.example.test',
    serviceUrl: 'https://auth.example.test',
  } as Provider;
  const connection = { agentId: 'agt_1' } as Connection;

  /** Polls against scripted status answers; returns the outcome and the (fake) times of the polls. */
  async function run(
    script: ((poll: number) => Partial<HttpAnswer>)[],
    approval: Partial<PresentedApproval>,
    faults: ClientFaultName[] = [],
  ) {
    vi.useFakeTimers({ now: 0 });
    const times: number[] = [];
    const api = {
      status: async () => {
        times.push(Date.now());
        const step = script[Math.min(times.length, script.length) - 1]!;
        return { url: 'x', status: 200, headers: new Headers(), text: '', json: undefined, ...step(times.length) };
      },
    } as unknown as ServerApi;
    const done = pollApproval({
      api,
      provider,
      connection,
      approval: { method: 'device_authorization', expires_in: 300, interval: 1, ...approval },
      receivedAt: 0,
      waitUntil: 60_000,
      judge: agentVerdict,
      faults: new ClientFaultSet(faults),
      reporter: { notify: async () => undefined },
      signal: new AbortController().signal,
    });
    await vi.runAllTimersAsync();
    return { outcome: await done, times };
  }
  const pending = () => ({ json: { status: 'pending' } });
  const active = () => ({ json: { status: 'active', agent_capability_grants: [] } });

  it('polls at the interval until approved', async () => {
    const { outcome, times } = await run([pending, pending, active], { interval: 2 });
    expect(outcome.kind).toBe('settled');
    expect(times).toEqual([2000, 4000, 6000]);
  });

  it('adds 5 s to the interval after slow_down, for every later poll', async () => {
    const slowDown = () => ({ status: 400, json: { error: 'slow_down', message: 'too fast' } });
    const { times } = await run([pending, slowDown, pending, active], { interval: 1 });
    expect(times).toEqual([1000, 2000, 8000, 14_000]);
  });

  it('lets a 429 Retry-After outrank the interval', async () => {
    const limited = () => ({
      status: 429,
      headers: new Headers({ 'retry-after': '4' }),
      json: { error: 'rate_limited', message: 'x' },
    });
    const { times } = await run([limited, active], { interval: 1 });
    expect(times).toEqual([1000, 5000]);
  });

  it('stops at a rejection and when expires_in has run out', async () => {
    const rejected = await run([pending, () => ({ json: { status: 'rejected' } })], { interval: 1 });
    expect(rejected.outcome.kind).toBe('rejected');
    expect(rejected.times).toHaveLength(2);
    const expired = await run([pending], { interval: 1, expires_in: 3 });
    expect(expired.outcome.kind).toBe('expired');
    expect(expired.times).toEqual([1000, 2000, 3000]);
  });

  it('keeps waiting through host_pending (RUL-PENDING-HOST-STATUS)', async () => {
    const hostPending = () => ({ status: 403, json: { error: 'host_pending', message: 'x' } });
    const { outcome } = await run([hostPending, active], {});
    expect(outcome.kind).toBe('settled');
  });

  it('ends a capability request once no requested grant is pending', () => {
    const judge = grantsVerdict(['pay']);
    expect(judge({ status: 'active', agent_capability_grants: [{ capability: 'pay', status: 'pending' }] })).toBe(
      'pending',
    );
    expect(judge({ status: 'active', agent_capability_grants: [{ capability: 'pay', status: 'denied' }] })).toBe(
      'done',
    );
  });
});
