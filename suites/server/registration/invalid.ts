import {
  defineCheck,
  ErrorResponseSchema,
  type CheckContext,
  type CheckNeed,
  type HostTokenOptions,
  type HttpResult,
  type RegisterOptions,
  type RegisterResult,
} from '../../../src/harness/api.ts';
import { unknownCapabilityName } from '../_shared/capabilities.ts';
import { p256PublicJwk } from '../_shared/unusable-keys.ts';

/** Fails when the registration was accepted; `what` describes the refused request. */
function expectRefused(t: CheckContext, result: HttpResult, what: string): void {
  if (result.status >= 200 && result.status < 300) {
    t.fail(
      `${what} was accepted with ${result.status} (agent ${String(result.json?.agent_id)}, status ${JSON.stringify(result.json?.status)})`,
    );
  }
}

/** Every check here registers, asking for the profile's sync capability. */
const NEEDS: CheckNeed[] = [{ endpoint: 'register' }, { capability: 'sync' }];

/** Registers under a fresh host asking for the sync capability; `opts` and `tokenOpts` bend the request. */
async function registerForSync(
  t: CheckContext,
  opts: RegisterOptions = {},
  tokenOpts: HostTokenOptions = {},
): Promise<RegisterResult> {
  const host = await t.client.newHost();
  return t.client.register(host, { capabilities: [t.capability('sync')], ...opts }, tokenOpts);
}

async function registerUnknownCapability(
  t: CheckContext,
): Promise<{ result: HttpResult; unknown: string; known: string }> {
  const known = t.capability('sync');
  const unknown = unknownCapabilityName(t);
  const result = await t.client.register(await t.client.newHost(), { capabilities: [known, unknown] });
  expectRefused(t, result, `a registration requesting the nonexistent capability "${unknown}" (§5.13)`);
  return { result, unknown, known };
}

const invalidCapabilities = defineCheck({
  id: 'server.registration.invalid-capabilities',
  title: 'Registering with an unknown capability name answers 400 invalid_capabilities',
  area: 'registration',
  requirements: ['AAP-5.13-ERR.register.invalid_capabilities', 'AAP-8.6-01'],
  level: 'MUST',
  needs: NEEDS,
  async run(t: CheckContext) {
    const { result } = await registerUnknownCapability(t);
    t.expectError(result, 400, 'invalid_capabilities', 'registration with an unknown capability (§5.13)');
  },
});

const invalidCapabilitiesListed = defineCheck({
  id: 'server.registration.invalid-capabilities-listed',
  title: 'The invalid_capabilities error of registration names the unknown capabilities',
  area: 'registration',
  requirements: ['AAP-5.13-06'],
  level: 'SHOULD',
  needs: NEEDS,
  async run(t: CheckContext) {
    const { result, unknown, known } = await registerUnknownCapability(t);
    t.expectError(result, 400, 'invalid_capabilities', 'registration with an unknown capability (§5.13)');
    const listed = t.expectJson(result, ErrorResponseSchema, 'invalid_capabilities error (§5.13)').invalid_capabilities;
    t.expect(listed !== undefined, 'the invalid_capabilities error has no invalid_capabilities array (§5.13)');
    t.expect(
      listed.includes(unknown),
      `invalid_capabilities ${JSON.stringify(listed)} does not name "${unknown}" (§5.13)`,
    );
    t.expect(
      !listed.includes(known),
      `invalid_capabilities ${JSON.stringify(listed)} names "${known}", which exists (§5.13)`,
    );
  },
});

const unsupportedMode = defineCheck({
  id: 'server.registration.unsupported-mode',
  title: 'Registering in a mode discovery does not advertise answers 400 unsupported_mode',
  area: 'registration',
  requirements: ['AAP-5.13-ERR.register.unsupported_mode', 'AAP-2.2.2-02', 'AAP-6.4-02'],
  level: 'MUST',
  needs: NEEDS,
  async run(t: CheckContext) {
    const missing = (['delegated', 'autonomous'] as const).find((mode) => !t.discovery.modes.includes(mode));
    if (missing === undefined) t.notApplicable('discovery advertises both modes, so no supported mode can be refused');
    const result = await registerForSync(t, { mode: missing });
    expectRefused(
      t,
      result,
      `a registration in ${missing} mode on a server advertising only ${t.discovery.modes.join(', ')} (§2.2.2)`,
    );
    t.expectError(result, 400, 'unsupported_mode', `registration in ${missing} mode (§5.13)`);
  },
});

const unknownMode = defineCheck({
  id: 'server.registration.unknown-mode-rejected',
  title: 'Registering with a mode value the protocol does not define answers 400',
  area: 'registration',
  requirements: ['AAP-2.2.2-02', 'AAP-6.4-02', 'AAP-5.13-ERR.invalid_request'],
  level: 'MUST',
  needs: NEEDS,
  async run(t: CheckContext) {
    const result = await registerForSync(t, { body: { mode: 'conformance-mode' } });
    expectRefused(t, result, 'a registration with mode "conformance-mode" (§2.2.2)');
    t.expectError(result, 400, ['unsupported_mode', 'invalid_request'], 'registration with an undefined mode (§5.13)');
  },
});

const missingAgentKey = defineCheck({
  id: 'server.registration.missing-agent-key',
  title: 'Registering with a host JWT that carries no agent key is refused with 400 (or 401 invalid_jwt)',
  area: 'registration',
  requirements: ['AAP-5.3-03', 'AAP-4.2-CLAIM.agent_public_key', 'AAP-4.2-CLAIM.agent_jwks_url', 'AAP-4.5.1-STEP9'],
  level: 'MUST',
  rulings: ['RUL-MISSING-AGENT-KEY'],
  needs: NEEDS,
  async run(t: CheckContext) {
    const result = await registerForSync(t, {}, { omitClaims: ['agent_public_key', 'agent_jwks_url', 'agent_kid'] });
    expectRefused(t, result, 'a registration whose host JWT has neither agent_public_key nor agent_jwks_url (§5.3)');
    const what = 'registration without agent key claims (§5.3, RUL-MISSING-AGENT-KEY)';
    if (result.status === 401) {
      t.expectError(result, 401, 'invalid_jwt', what);
      return;
    }
    t.expectStatus(result, 400, what);
    const code = t.expectJson(result, ErrorResponseSchema, `${what}: error answer (§5.13)`).error;
    if (code !== 'invalid_request')
      t.note(`refused with 400 ${code}; RUL-MISSING-AGENT-KEY expects invalid_request (or 401 invalid_jwt)`);
  },
});

const unsupportedAlgorithm = defineCheck({
  id: 'server.registration.unsupported-algorithm',
  title: 'Registering an agent key of an algorithm other than Ed25519 answers 400 unsupported_algorithm',
  area: 'registration',
  requirements: ['AAP-5.13-ERR.register.unsupported_algorithm', 'AAP-4.5.1-STEP9'],
  level: 'MUST',
  needs: NEEDS,
  async run(t: CheckContext) {
    const result = await registerForSync(t, {}, { extraClaims: { agent_public_key: await p256PublicJwk() } });
    expectRefused(t, result, 'a registration whose agent_public_key is a P-256 key (§4.1)');
    t.expectError(
      result,
      400,
      ['unsupported_algorithm', 'invalid_request'],
      'registration with a P-256 agent key (§5.13)',
    );
    if (result.json?.error === 'invalid_request')
      t.note('a well-formed P-256 agent key was answered invalid_request; §5.13 names unsupported_algorithm for it');
  },
});

export const checks = [
  invalidCapabilities,
  invalidCapabilitiesListed,
  unsupportedMode,
  unknownMode,
  missingAgentKey,
  unsupportedAlgorithm,
];
