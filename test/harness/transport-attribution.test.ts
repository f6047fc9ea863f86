import { describe, expect, it } from 'vitest';
import { attributeRateLimit, attributeTimeout } from '../../src/harness/transport-attribution.ts';
import type { CheckResult, Exchange } from '../../src/model/index.ts';

function exchange(seq: number, status: number, headers: Record<string, string> = {}): Exchange {
  return {
    seq,
    check: 'x',
    label: 'register',
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 1,
    request: { method: 'POST', url: 'http://127.0.0.1/api/auth/agent/register', headers: {} },
    response: { status, headers, body: '{}', body_bytes: 2, truncated: false },
  };
}

const failed = (exchanges: Exchange[]) =>
  ({ id: 'server.registration.x', status: 'failed', message: 'expected 200, got 429', exchanges }) as CheckResult;

describe('a 429 met by a check that is not about rate limits', () => {
  it('turns its failure into a precondition error naming the throttled request and the wait asked for', () => {
    const result = attributeRateLimit(failed([exchange(1, 200), exchange(2, 429, { 'x-retry-after': '60' })]), false);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(
      /^precondition: the target rate-limited the check \(429 at register \/api\/auth\/agent\/register, retry after 60 s\)/,
    );
    expect(result.failure?.exchange).toBe(2);
  });

  it('leaves rate-limit probes, passes and checks that met no 429 as they are', () => {
    const throttled = failed([exchange(1, 429)]);
    expect(attributeRateLimit(throttled, true)).toBe(throttled);
    const passed = { ...throttled, status: 'passed' } as CheckResult;
    expect(attributeRateLimit(passed, false)).toBe(passed);
    const plain = failed([exchange(1, 400)]);
    expect(attributeRateLimit(plain, false)).toBe(plain);
  });
});

describe('a check that ended badly after a request timed out', () => {
  it('says the answer never finished before what the check concluded', () => {
    const timedOut: Exchange = {
      ...exchange(1, 200),
      error: { kind: 'timeout', message: 'no complete response within 5000 ms' },
    };
    const result = attributeTimeout({ ...failed([timedOut]), message: 'the request was refused (HTTP 200)' });
    expect(result.message).toBe(
      'the target did not finish answering register /api/auth/agent/register in time (no complete response within 5000 ms); the check concluded: the request was refused (HTTP 200)',
    );
    expect(result.status).toBe('failed');
  });

  it('leaves messages that already speak of the timeout, and checks whose last request finished', () => {
    const timedOut: Exchange = { ...exchange(1, 200), error: { kind: 'timeout', message: 'no complete response' } };
    const said = { ...failed([timedOut]), message: 'register timed out' };
    expect(attributeTimeout(said)).toBe(said);
    const finished = failed([exchange(1, 200)]);
    expect(attributeTimeout(finished)).toBe(finished);
  });
});
