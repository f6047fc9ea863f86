import { describe, expect, it } from 'vitest';
import { OWNER_CHECK_IDS, preconditionOwner, withPreconditionOwner } from '../../src/harness/precondition-owner.ts';
import type { CheckResult, Exchange } from '../../src/model/index.ts';
import { serverChecks } from '../../suites/server/index.ts';

function exchange(seq: number, label: string, status: number): Exchange {
  return {
    seq,
    check: 'x',
    label,
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 1,
    request: { method: 'POST', url: 'http://127.0.0.1/agent/register', headers: {} },
    response: { status, headers: {}, body: '{"error":"agent_limit_reached","message":"full"}' },
  } as Exchange;
}

function result(over: Partial<CheckResult>): CheckResult {
  return {
    id: 'server.lifecycle.revoke.response',
    status: 'error',
    message: 'precondition: register an active agent',
    exchanges: [exchange(1, 'discovery', 200), exchange(2, 'register', 400)],
    ...over,
  } as CheckResult;
}

describe('the check owning a failed precondition step', () => {
  it('names only checks the suite has', () => {
    const ids = new Set(serverChecks.map((check) => check.id));
    expect(OWNER_CHECK_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('is the registration check when a precondition stopped at a refused registration', () => {
    expect(preconditionOwner(result({}))).toBe('server.registration.auto-approved-response');
    expect(withPreconditionOwner(result({})).message).toMatch(/server\.registration\.auto-approved-response tests/);
  });

  it('follows the exchange the failure names over the last refused one', () => {
    const named = result({ failure: { exchange: 1 } as CheckResult['failure'] });
    expect(preconditionOwner(named)).toBe('server.discovery.served');
  });

  it('is not named for a verdict on the check itself, nor for the owner itself', () => {
    expect(preconditionOwner(result({ status: 'failed', message: 'registration answered 400' }))).toBeUndefined();
    expect(preconditionOwner(result({ id: 'server.registration.auto-approved-response' }))).toBeUndefined();
  });
});
