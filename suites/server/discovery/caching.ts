import { defineCheck, maxAge, type CheckContext } from '../../../src/harness/api.ts';
import { fetchDiscoveryObject } from './fixtures.ts';

const cacheControl = defineCheck({
  id: 'server.discovery.cache-control',
  title: 'Discovery carries a Cache-Control header with max-age',
  area: 'discovery',
  requirements: ['AAP-5.1-10'],
  level: 'SHOULD',
  async run(t: CheckContext) {
    const { result } = await fetchDiscoveryObject(t);
    const header = result.headers['cache-control'];
    t.expect(header !== undefined, 'the discovery response has no Cache-Control header');
    t.expect(maxAge(header) !== undefined, `Cache-Control is "${header}", without a max-age directive`);
  },
});

const cacheMaxAge = defineCheck({
  id: 'server.discovery.cache-max-age-recommended',
  title: 'Discovery Cache-Control max-age is the recommended 3600 seconds',
  area: 'discovery',
  requirements: ['AAP-5.1-11'],
  level: 'SHOULD',
  async run(t: CheckContext) {
    const { result } = await fetchDiscoveryObject(t);
    const header = result.headers['cache-control'];
    t.expect(header !== undefined, 'the discovery response has no Cache-Control header');
    const seconds = maxAge(header);
    t.expect(
      seconds === 3600,
      `Cache-Control is "${header}": max-age ${seconds ?? '(absent)'} is not the recommended 3600`,
    );
  },
});

export const checks = [cacheControl, cacheMaxAge];
