import { defineCheck, type CheckContext } from '../../../src/harness/api.ts';
import { fetchDiscoveryObject, stringArray } from './fixtures.ts';

const algorithmsEd25519 = defineCheck({
  id: 'server.discovery.algorithms-ed25519',
  title: 'Discovery algorithms include Ed25519',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.algorithms', 'AAP-4.1-03'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const algorithms = stringArray(document['algorithms']);
    t.expect(algorithms, `"algorithms" is ${JSON.stringify(document['algorithms'])}, not an array of strings`);
    t.expect(algorithms.includes('Ed25519'), `"algorithms" is ${JSON.stringify(algorithms)}: "Ed25519" is missing`);
    const others = algorithms.filter((algorithm) => algorithm !== 'Ed25519');
    if (others.length > 0) t.note(`key types this draft does not define: ${others.join(', ')}`);
  },
});

const MODES = ['delegated', 'autonomous'];

const modesValid = defineCheck({
  id: 'server.discovery.modes-valid',
  title: 'Discovery modes is a non-empty list of delegated and/or autonomous',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.modes', 'AAP-2.2.2-01'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const modes = stringArray(document['modes']);
    t.expect(modes, `"modes" is ${JSON.stringify(document['modes'])}, not an array of strings`);
    t.expect(modes.length > 0, '"modes" is empty: a server supports at least one mode');
    const unknown = modes.filter((mode) => !MODES.includes(mode));
    t.expect(
      unknown.length === 0,
      `"modes" holds values other than "delegated" and "autonomous": ${unknown.join(', ')}`,
    );
    if (new Set(modes).size !== modes.length) t.note(`"modes" repeats a value: ${JSON.stringify(modes)}`);
  },
});

const CORE_APPROVAL_METHODS = ['device_authorization', 'ciba'];

const deviceAuthorization = defineCheck({
  id: 'server.discovery.device-authorization',
  title: 'Discovery approval_methods include device_authorization',
  area: 'discovery',
  requirements: ['AAP-5.1-FIELD.approval_methods', 'AAP-7-01', 'AAP-7.1-01', 'AAP-5.1-07'],
  level: 'MUST',
  async run(t: CheckContext) {
    const { document } = await fetchDiscoveryObject(t);
    const methods = stringArray(document['approval_methods']);
    t.expect(methods, `"approval_methods" is ${JSON.stringify(document['approval_methods'])}, not an array of strings`);
    t.expect(
      methods.includes('device_authorization'),
      `"approval_methods" is ${JSON.stringify(methods)}: device authorization, the baseline every server supports, is missing`,
    );
    // Methods beyond the core ones come from extension profiles and are allowed (§5.1, §10.10.3).
    const extensions = methods.filter((method) => !CORE_APPROVAL_METHODS.includes(method));
    if (extensions.length > 0) t.note(`extension approval methods advertised: ${extensions.join(', ')}`);
  },
});

export const checks = [algorithmsEd25519, modesValid, deviceAuthorization];
