import { defineCheck, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { INTROSPECT_NEEDS } from './fixtures.ts';

const rateLimited = defineCheck({
  id: 'server.introspection.rate-limited',
  title: 'Unauthenticated introspection is rate limited: a burst beyond the declared limit answers 429 rate_limited',
  area: 'introspection',
  requirements: ['AAP-5.12-04'],
  level: 'MUST',
  rulings: ['RUL-RATE-LIMIT-OBSERVABILITY'],
  needs: [...INTROSPECT_NEEDS, { capability: 'sync' }],
  // The burst exhausts the limit of every unauthenticated caller from this address for a while.
  exclusive: true,
  rateLimitProbe: true,
  async run(t: CheckContext) {
    const declared = t.profile.rateLimit;
    if (declared === undefined) {
      t.skip(
        'the target profile declares no reachable rate limit, so a missing limiter cannot be told from a high one (RUL-RATE-LIMIT-OBSERVABILITY): give "rateLimit": {"burst": n} in the --profile JSON',
      );
    }
    const agent = await t.client.activeAgent({
      capabilities: [t.capability('sync')],
    });
    for (let sent = 1; sent <= declared.burst + 1; sent += 1) {
      const result = await t.client.introspect(await t.client.agentToken(agent));
      if (result.status === 429) {
        t.expectError(result, 429, 'rate_limited', `introspection ${sent} of the burst (§5.12, §8.13)`);
        t.note(
          `429 after ${sent} introspection request(s) without caller authentication (declared burst ${declared.burst})`,
        );
        return;
      }
      t.expect(
        !result.error,
        `introspection ${sent} of the burst got no answer (${result.error?.kind}: ${result.error?.message})`,
      );
      if (sent === 1 && (result.status === 401 || result.status === 403)) {
        t.notApplicable(
          `introspection without caller authentication answered ${result.status}: the server protects the endpoint, so the rate limit of §5.12 for unauthenticated use does not apply`,
        );
      }
    }
    t.fail(
      `${declared.burst + 1} introspection requests without caller authentication all went through; the profile declares that a burst of ${declared.burst} is rate limited, and an unauthenticated introspect endpoint must be (§5.12, RUL-RATE-LIMIT-OBSERVABILITY)`,
    );
  },
});

export const checks: CheckDefinition[] = [rateLimited];
