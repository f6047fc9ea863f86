import {
  defineCheck,
  ENDPOINT_KEYS,
  isAbsoluteHttpUrl,
  resolveEndpoint,
  type CheckContext,
} from '../../../src/harness/api.ts';
import { fetchDiscoveryObject } from './fixtures.ts';

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

const endpointsResolvable = defineCheck({
  id: 'server.discovery.endpoints-resolvable',
  title: 'Discovery names every Server API endpoint as an issuer-relative path or absolute URL',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.endpoints'],
  level: 'MUST',
  rulings: ['RUL-ENDPOINT-FORM'],
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const endpoints = document['endpoints'];
    t.expect(
      typeof endpoints === 'object' && endpoints !== null && !Array.isArray(endpoints),
      `"endpoints" is ${JSON.stringify(endpoints)}, not an object`,
    );
    const issuer = typeof document['issuer'] === 'string' ? document['issuer'] : t.client.issuer;
    const problems: string[] = [];
    const forms = { relative: [] as string[], absolute: [] as string[] };
    for (const key of ENDPOINT_KEYS) {
      const value = (endpoints as Record<string, unknown>)[key];
      if (value === undefined) {
        problems.push(`- "${key}" is missing`);
        continue;
      }
      const resolution = typeof value === 'string' ? resolveEndpoint(issuer, value) : undefined;
      if (!resolution)
        problems.push(
          `- "${key}" is ${JSON.stringify(value)}: neither a path starting with "/" nor an absolute http(s) URL`,
        );
      else if (resolution.form === 'absolute' && !sameOrigin(resolution.url, issuer))
        problems.push(
          `- "${key}" is ${resolution.url}, on another origin than the issuer ${issuer}: an endpoint is the issuer plus a path (§5), and clients would send their JWTs to that origin (the harness does not)`,
        );
      else forms[resolution.form].push(key);
    }
    if (forms.relative.length > 0) t.note(`issuer-relative paths: ${forms.relative.join(', ')}`);
    // Accepted, but never silently: the spec's words say issuer-relative paths.
    if (forms.absolute.length > 0)
      t.note(
        `absolute URLs where §5.1 says paths relative to issuer (accepted by RUL-ENDPOINT-FORM): ${forms.absolute.join(', ')}`,
      );
    t.expect(problems.length === 0, `discovery endpoints are incomplete or unusable:\n${problems.join('\n')}`);
  },
});

const defaultLocation = defineCheck({
  id: 'server.discovery.default-location',
  title: 'The default execution location is an absolute URL or derivable as {issuer}{endpoints.execute}',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.default_location', 'AAP-5.1-FIELD.endpoints'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const issuer = typeof document['issuer'] === 'string' ? document['issuer'] : t.client.issuer;
    const execute = (document['endpoints'] as Record<string, unknown> | undefined)?.['execute'];
    const derived = typeof execute === 'string' ? resolveEndpoint(issuer, execute)?.url : undefined;
    const declared = document['default_location'];
    if (declared === undefined) {
      t.expect(derived, 'discovery has no "default_location" and no usable "endpoints.execute" to derive it from');
      t.note(`no default_location: clients derive ${derived}`);
      return;
    }
    t.expect(typeof declared === 'string', `"default_location" is ${JSON.stringify(declared)}, not a string`);
    t.expect(isAbsoluteHttpUrl(declared), `"default_location" is "${declared}", not an absolute http(s) URL`);
    if (derived === undefined) t.note('default_location is given; endpoints.execute is absent or unusable');
    else if (derived !== declared)
      t.note(`default_location ${declared} differs from {issuer}{endpoints.execute} = ${derived}`);
  },
});

export const checks = [endpointsResolvable, defaultLocation];
