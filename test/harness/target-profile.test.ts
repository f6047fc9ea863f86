import { describe, expect, it } from 'vitest';
import { describeNeed } from '../../src/cli/list.ts';
import { unmetNeed } from '../../src/harness/runner.ts';
import {
  inferProfile,
  mergeProfiles,
  missingRoleReason,
  parseProfile,
  ProfileError,
  sampleArguments,
} from '../../src/harness/target-profile.ts';

describe('target profile', () => {
  const capabilities = [
    {
      name: 'check_balance',
      input: { type: 'object', required: ['account_id'], properties: { account_id: { type: 'string' } } },
    },
    { name: 'list_accounts' },
    {
      name: 'transfer_money',
      input: {
        type: 'object',
        required: ['amount', 'currency', 'destination_account'],
        properties: {
          amount: { type: 'number' },
          currency: { type: 'string' },
          destination_account: { type: 'string' },
        },
      },
    },
    { name: 'generate_report', input: { type: 'object', properties: { fail: { type: 'boolean' } } } },
  ];

  it('infers roles and sample arguments from input schemas', () => {
    const profile = inferProfile(capabilities);
    expect(profile.sync).toBe('list_accounts');
    expect(profile['with-input']).toBe('check_balance');
    expect(profile.constrainable).toEqual({
      name: 'transfer_money',
      numericField: 'amount',
      stringField: 'currency',
      exactField: 'destination_account',
    });
    expect(profile.second).toBe('generate_report');
    expect(profile.async).toBeUndefined();
    expect(profile.arguments?.['transfer_money']).toEqual({
      amount: 1,
      currency: 'conformance',
      destination_account: 'conformance',
    });
    expect(sampleArguments({ required: ['k'], properties: { k: { enum: ['USD', 'EUR'] } } })).toEqual({ k: 'USD' });
  });

  it('lets a given profile win over inference and validates files', () => {
    const merged = mergeProfiles({ sync: 'x', arguments: { x: { a: 1 } } }, inferProfile(capabilities));
    expect(merged.sync).toBe('x');
    expect(merged['with-input']).toBe('check_balance');
    expect(merged.arguments?.['x']).toEqual({ a: 1 });
    expect(merged.arguments?.['check_balance']).toEqual({ account_id: 'conformance' });
    expect(() => parseProfile({ sink: 'typo' }, 'p.json')).toThrow(ProfileError);
    // Every problem, in one line a terminal or CI log keeps whole.
    expect(() => parseProfile({ sink: 'typo', sync: 3 }, 'p.json')).toThrow(
      'p.json is not a valid target profile: sync: Invalid input: expected string, received number; Unrecognized key: "sink"',
    );
    expect(parseProfile({ async: 'generate_report', rateLimit: { burst: 5 } }, 'p.json').rateLimit?.burst).toBe(5);
  });

  it('accepts declared workarounds and keeps them through inference', () => {
    const profile = parseProfile({ sync: 'list_accounts', workarounds: { agentJwtIssuer: 'host-id' } }, 'p.json');
    expect(profile.workarounds).toEqual({ agentJwtIssuer: 'host-id' });
    expect(mergeProfiles(profile, inferProfile(capabilities)).workarounds).toEqual({ agentJwtIssuer: 'host-id' });
    expect(() => parseProfile({ workarounds: { agentJwtIssuer: 'thumbprint' } }, 'p.json')).toThrow(ProfileError);
    expect(() => parseProfile({ workarounds: { hostJwtIssuer: 'host-id' } }, 'p.json')).toThrow(ProfileError);
    expect(inferProfile(capabilities).workarounds).toBeUndefined();
  });

  it('names the profile key that fills a missing role, in one line', () => {
    expect(missingRoleReason('async')).toBe(
      'no capability plays the "async" role (answers 202 with a status_url): name one as "async" in the --profile JSON',
    );
    expect(missingRoleReason('high-risk')).toContain('name one as "highRisk" in the --profile JSON');
    expect(missingRoleReason('constrainable')).toContain('"numericField"');
    for (const role of ['sync', 'with-input', 'constrainable', 'async', 'stream', 'second', 'high-risk'] as const)
      expect(missingRoleReason(role)).not.toContain('\n');
  });

  it('gives a check needing an unfilled role that reason, and list names the key', () => {
    const env = { target: { discovery: {}, endpoints: {} }, profile: {}, control: undefined } as unknown as Parameters<
      typeof unmetNeed
    >[1];
    expect(unmetNeed([{ capability: 'stream' }], env)).toEqual({
      status: 'not-applicable',
      reason: missingRoleReason('stream'),
    });
    expect(describeNeed({ capability: 'high-risk' })).toBe('profile key "highRisk" (--profile)');
  });
});
