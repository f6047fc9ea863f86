import { defineCheck, maxAge, type CheckContext, type HttpResult } from '../../../src/harness/api.ts';
import { capabilityCaller } from '../_shared/capabilities.ts';
import { listPage } from './fixtures.ts';

/** The list and describe answers for the least privileged caller that gets them. */
async function capabilityAnswers(t: CheckContext): Promise<HttpResult[]> {
  const caller = await capabilityCaller(t);
  const { result: list, body } = await listPage(t, caller);
  const [first] = body.capabilities;
  if (first === undefined || !t.client.target.endpoints['describe_capability']) return [list];
  const described = await t.client.describeCapability(first.name, caller);
  t.expectStatus(described, 200);
  return [list, described];
}

const cacheControl = defineCheck({
  id: 'server.capabilities.cache-control',
  title: 'Capability list and describe answers carry Cache-Control',
  area: 'capabilities',
  requirements: ['AAP-10.6-01'],
  level: 'SHOULD',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    for (const answer of await capabilityAnswers(t)) {
      t.expect(
        answer.headers['cache-control'] !== undefined,
        `${answer.exchange.label ?? answer.exchange.request.url}: no Cache-Control header (§10.6)`,
      );
    }
  },
});

const cacheMaxAge = defineCheck({
  id: 'server.capabilities.cache-max-age-recommended',
  title: 'Capability answers are cacheable for the recommended 300 seconds',
  area: 'capabilities',
  requirements: ['AAP-10.6-02'],
  level: 'SHOULD',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    for (const answer of await capabilityAnswers(t)) {
      const header = answer.headers['cache-control'];
      const what = answer.exchange.label ?? answer.exchange.request.url;
      t.expect(header !== undefined, `${what}: no Cache-Control header (§10.6)`);
      const seconds = maxAge(header);
      t.expect(
        seconds === 300,
        `${what}: Cache-Control "${header}" has max-age ${seconds ?? '(absent)'}, not the recommended 300 (§10.6)`,
      );
    }
  },
});

export const checks = [cacheControl, cacheMaxAge];
