import { defineCheck, type CheckContext, type HttpResult } from '../../../src/harness/api.ts';
import { activeAgent } from '../_shared/registration.ts';
import { errorFormatProblems } from './fixtures.ts';

/**
 * Sends the burst the target profile declares (plus one) from one agent and returns the first 429;
 * skipped when the profile declares no reachable limit (RUL-RATE-LIMIT-OBSERVABILITY).
 */
async function burstUntilLimited(t: CheckContext): Promise<HttpResult> {
  const declared = t.profile.rateLimit;
  if (declared === undefined) {
    t.skip(
      'the target profile declares no reachable rate limit, so a missing limiter cannot be told from a high one (RUL-RATE-LIMIT-OBSERVABILITY): give "rateLimit": {"burst": n} in the --profile JSON',
    );
  }
  const agent = await activeAgent(t, { capabilities: [t.capability('sync')] });
  for (let sent = 1; sent <= declared.burst + 1; sent += 1) {
    const result = await t.client.listCapabilities(agent);
    if (result.status === 429) {
      t.note(`429 after ${sent} request(s) from one agent (declared burst ${declared.burst})`);
      return result;
    }
    t.expect(
      !result.error,
      `request ${sent} of the burst got no answer (${result.error?.kind}: ${result.error?.message})`,
    );
  }
  return t.fail(
    `${declared.burst + 1} capability listings from one agent all succeeded; the profile declares that a burst of ${declared.burst} is rate limited with 429 rate_limited (§8.13)`,
  );
}

const rateLimitNeeds = [{ endpoint: 'capabilities' }, { control: 'approve' as const }, { capability: 'sync' as const }];

const rateLimited = defineCheck({
  id: 'server.errors.rate-limited',
  title: 'Exceeding the declared rate limit answers 429 rate_limited in the §5.13 format',
  area: 'errors',
  // The burst comes from one agent, so the limit it meets counts requests per agent (§8.13 dimensions).
  requirements: ['AAP-8.13-01', 'AAP-8.13-ERR.rate_limited', 'AAP-5.13-ERR.rate_limited', 'AAP-5.13-01', 'AAP-8.13-03'],
  level: 'MUST',
  rulings: ['RUL-RATE-LIMIT-OBSERVABILITY'],
  needs: rateLimitNeeds,
  exclusive: true,
  rateLimitProbe: true,
  async run(t: CheckContext) {
    const limited = await burstUntilLimited(t);
    t.expectError(limited, 429, 'rate_limited', 'request over the rate limit (§8.13)');
    const problems = errorFormatProblems(limited);
    t.expect(problems.length === 0, `the 429 answer breaks the error format (§5.13): ${problems.join('; ')}`);
  },
});

const retryAfter = defineCheck({
  id: 'server.errors.rate-limited-retry-after',
  title: 'A 429 answer carries Retry-After',
  area: 'errors',
  requirements: ['AAP-8.13-HDR.Retry-After'],
  level: 'SHOULD',
  rulings: ['RUL-RATE-LIMIT-OBSERVABILITY'],
  needs: rateLimitNeeds,
  exclusive: true,
  rateLimitProbe: true,
  async run(t: CheckContext) {
    const limited = await burstUntilLimited(t);
    const header = limited.headers['retry-after'];
    t.expect(header !== undefined, 'the 429 answer has no Retry-After header (§8.13)');
    t.expect(
      /^\d+$/.test(header.trim()) || !Number.isNaN(Date.parse(header)),
      `Retry-After "${header}" is neither a number of seconds nor an HTTP date (§8.13, RFC 9110 §10.2.3)`,
    );
  },
});

export const checks = [rateLimited, retryAfter];
