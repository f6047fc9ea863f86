import {
  defineCheck,
  describeExchange,
  type CheckContext,
  type CheckDefinition,
  type HttpResult,
} from '../../../src/harness/api.ts';

const NOT_A_JWT = 'conformance-not-a-jwt';

function answer(result: HttpResult): string {
  if (result.error) return `no answer (${describeExchange(result.exchange)})`;
  const code: unknown = result.json?.error;
  return typeof code === 'string' ? `${result.status} ${code}` : `${result.status}`;
}

/**
 * RUL-OPTIONAL-AUTH-BAD-TOKEN: list and describe serve anonymous callers too, but a token the caller
 * presents and that fails verification is refused rather than silently ignored. The anonymous answer
 * is tolerated as a warning (this check); leaking authenticated content is judged by the error-format
 * checks of both endpoints.
 */
const invalidTokenRefused = defineCheck({
  id: 'server.capabilities.invalid-token-refused',
  title: 'Capability list and describe refuse a bearer token that fails verification with 401 invalid_jwt',
  area: 'capabilities',
  requirements: ['AAP-5.2-03', 'AAP-5.2.1-02', 'AAP-5.13-ERR.invalid_jwt'],
  level: 'SHOULD',
  rulings: ['RUL-OPTIONAL-AUTH-BAD-TOKEN'],
  needs: [{ endpoint: 'capabilities' }, { endpoint: 'describe_capability' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const host = await t.client.newHost();
    const sync = t.capability('sync');
    const probes: [string, () => Promise<HttpResult>][] = [
      ['list with a bearer token that is not a JWT', () => t.client.listCapabilities('none', {}, { token: NOT_A_JWT })],
      [
        'list with a host JWT whose signature has one bit flipped',
        () => t.client.listCapabilities(host, {}, { variant: 'corrupt-signature' }),
      ],
      [
        `describe ${sync} with a bearer token that is not a JWT`,
        () => t.client.describeCapability(sync, 'none', { token: NOT_A_JWT }),
      ],
    ];
    const problems: string[] = [];
    for (const [what, send] of probes) {
      const result = await send();
      if (result.status !== 401 || result.json?.error !== 'invalid_jwt')
        problems.push(`${what}: expected 401 invalid_jwt, got ${answer(result)}`);
    }
    t.expect(
      problems.length === 0,
      `a failed token was not refused (§4.5, §5.13, RUL-OPTIONAL-AUTH-BAD-TOKEN):\n- ${problems.join('\n- ')}`,
    );
  },
});

export const checks: CheckDefinition[] = [invalidTokenRefused];
