import { defineScenario, type Scenario } from '../../src/client-harness/api.ts';

import { AUTO_APPROVAL as AUTO } from './common.ts';

/**
 * The provider-discovery tools (§6.2.1, §6.2.3) and naming a provider by the name they give (§6.4).
 * The driver configures the client with the simulated server (`{issuer}`), so that is the provider it
 * has; discover_provider is only pointed at it, since a client may refuse URLs it was not given
 * (§6.2.3 asks for confirmation or an allowlist).
 */

const listProviders = defineScenario({
  id: 'client.discovery.list-providers-shape',
  title: 'list_providers takes no input and hands back an array of providers, each with a name and a description',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-6.2.1-SHAPE.list_providers'],
  tools: ['list_providers'],
  steps: [{ call: 'list_providers', as: 'p', args: {} }],
  expect: [
    { because: 'list_providers without input (§6.2.1)', precondition: true, call: 'p', ok: true },
    // Path 0 of anything but an array is absent: an object holding the list fails here too.
    { because: 'a provider’s name, in an array (§6.2.1)', call: 'p', path: '0.name', is: { matches: '\\S' } },
    { because: 'a provider’s description (§6.2.1)', call: 'p', path: '0.description', is: { matches: '\\S' } },
  ],
});

const discoverProvider = defineScenario({
  id: 'client.discovery.discover-provider',
  title:
    'discover_provider reads the well-known document under the given URL and hands back name, description and issuer',
  area: 'discovery',
  level: 'MUST',
  requirements: ['AAP-6.2.3-FIELD.url', 'AAP-6.2.3-STEP1', 'AAP-6.2.3-STEP2', 'AAP-6.2.3-SHAPE.discover_provider'],
  tools: ['discover_provider'],
  steps: [{ call: 'discover_provider', as: 'd', args: { url: '${provider}' } }],
  // Fails: A client that refuses the URL it was configured with, or returns no issuer, name or description, fails.
  expect: [
    {
      // The path is what makes a request a discovery request; a client may have read it before the call.
      because: 'the well-known document under the URL given (§6.2.3 step 1)',
      requests: { endpoint: 'discovery', listener: 'sim' },
      count: { min: 1 },
    },
    { because: 'discover_provider (§6.2.3 step 2)', call: 'd', ok: true },
    { because: 'the provider’s issuer (§6.2.3)', call: 'd', path: 'issuer', is: { eq: '${sim.issuer}' } },
    { because: 'the provider’s name (§6.2.3)', call: 'd', path: 'name', is: { matches: '\\S' } },
    { because: 'the provider’s description (§6.2.3)', call: 'd', path: 'description', is: { matches: '\\S' } },
  ],
});

const connectByName = defineScenario({
  id: 'client.registration.provider-by-name-or-url',
  title: 'connect_agent registers with the provider named as list_providers names it, and with one given by URL',
  area: 'registration',
  level: 'MUST',
  requirements: ['AAP-6.4-FIELD.provider'],
  tools: ['list_providers', 'connect_agent'],
  knobs: AUTO,
  steps: [
    { call: 'list_providers', as: 'p', require: 'ok' },
    {
      call: 'connect_agent',
      as: 'byName',
      args: { provider: '${p.0.name}', name: 'conformance provider name', capabilities: ['${cap.sync}'] },
    },
    {
      call: 'connect_agent',
      as: 'byUrl',
      args: { provider: '${provider}', name: 'conformance provider url', capabilities: ['${cap.sync}'] },
    },
  ],
  // Fails: A client that accepts only URLs (or only names) as provider fails.
  expect: [
    {
      because: 'the registration sent to the provider named (§6.4)',
      requests: { endpoint: 'register', after: 'byName', before: 'byUrl', listener: 'sim' },
      count: { min: 1 },
    },
    { because: 'connect_agent with a provider name (§6.4)', call: 'byName', ok: true },
    {
      because: 'the registration sent to the provider at the URL (§6.4)',
      requests: { endpoint: 'register', after: 'byUrl', listener: 'sim' },
      count: { min: 1 },
    },
    { because: 'connect_agent with a service URL (§6.4)', call: 'byUrl', ok: true },
  ],
});

export const scenarios: Scenario[] = [listProviders, discoverProvider, connectByName];
