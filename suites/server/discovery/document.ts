import {
  defineCheck,
  DiscoveryDocumentSchema,
  isAbsoluteHttpUrl,
  type CheckContext,
} from '../../../src/harness/api.ts';
import { fetchDiscoveryObject } from './fixtures.ts';

const served = defineCheck({
  id: 'server.discovery.served',
  title: 'Discovery is served without credentials as a JSON object',
  area: 'discovery',
  requirements: ['AAP-5.1-01', 'AAP-5.1-02'],
  level: 'SHOULD',
  async run(t: CheckContext) {
    const { result } = await fetchDiscoveryObject(t);
    const contentType = result.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
      t.note(`Content-Type is "${contentType}", not a JSON media type`);
    }
  },
});

const schema = defineCheck({
  id: 'server.discovery.schema',
  title: 'Discovery has every required field with the right type',
  area: 'discovery',
  requirements: [
    'AAP-5.1-FIELD.version',
    'AAP-5.1-FIELD.provider_name',
    'AAP-5.1-FIELD.description',
    'AAP-5.1-FIELD.issuer',
    'AAP-5.1-FIELD.algorithms',
    'AAP-5.1-FIELD.modes',
    'AAP-5.1-FIELD.approval_methods',
    'AAP-5.1-FIELD.endpoints',
    'AAP-5.1-FIELD.default_location',
    'AAP-5.1-FIELD.jwks_uri',
  ],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const parsed = DiscoveryDocumentSchema.safeParse(document);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `- ${issue.path.join('.') || '(document)'}: ${issue.message}`);
      t.fail(`discovery does not match the §5.1 field table (${issues.length} issue(s)):\n${issues.join('\n')}`);
    }
    for (const field of ['provider_name', 'description'] as const) {
      if (parsed.data[field].trim() === '') t.note(`"${field}" is an empty string`);
    }
  },
});

const versionFormat = defineCheck({
  id: 'server.discovery.version-format',
  title: 'Discovery version has the form MAJOR.MINOR with an optional -draft suffix',
  area: 'discovery',
  requirements: ['AAP-5.1.1-01', 'AAP-5.1-FIELD.version'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const version = document['version'];
    t.expect(typeof version === 'string', `"version" is ${JSON.stringify(version)}, not a string`);
    t.expect(
      /^[0-9]+\.[0-9]+(-draft)?$/.test(version),
      `"version" is "${version}", not MAJOR.MINOR or MAJOR.MINOR-draft`,
    );
  },
});

const versionMajor = defineCheck({
  id: 'server.discovery.version-major',
  title: 'Discovery version names major version 1, the one this suite certifies',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.version'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const version = document['version'];
    t.expect(typeof version === 'string', `"version" is ${JSON.stringify(version)}, not a string`);
    const major = /^([0-9]+)\./.exec(version)?.[1];
    t.expect(
      major === '1',
      `"version" is "${version}": major version ${major ?? '(none)'} is not 1, so this suite (1.0-draft) does not apply`,
    );
    if (version !== '1.0-draft') t.note(`version is "${version}"; this suite follows "1.0-draft"`);
  },
});

const issuerAbsolute = defineCheck({
  id: 'server.discovery.issuer-absolute-url',
  title: 'Discovery issuer is an absolute http(s) base URL',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.issuer'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const issuer = document['issuer'];
    t.expect(typeof issuer === 'string', `"issuer" is ${JSON.stringify(issuer)}, not a string`);
    t.expect(isAbsoluteHttpUrl(issuer), `"issuer" is "${issuer}", not an absolute http(s) URL`);
    const url = new URL(issuer);
    t.expect(url.search === '' && url.hash === '', `"issuer" is "${issuer}": a base URL carries no query or fragment`);
    if (issuer.endsWith('/')) t.note('"issuer" ends with "/": joining it with endpoint paths gives a double slash');
    const discoveryOrigin = new URL(t.client.target.discoveryUrl).origin;
    if (url.origin !== discoveryOrigin)
      t.note(`issuer origin ${url.origin} differs from the discovery origin ${discoveryOrigin}`);
  },
});

export const checks = [served, schema, versionFormat, versionMajor, issuerAbsolute];
