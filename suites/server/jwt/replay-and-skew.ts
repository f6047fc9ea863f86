import { defineCheck, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import {
  AGENT_ENDPOINTS,
  executeEndpoint,
  expectInvalidJwt,
  HOST_ENDPOINTS,
  statusEndpoint,
  type AgentProbe,
  type HostProbe,
  type ProbeEndpoint,
  type TokenProbe,
  AGENT_TOKEN,
  HOST_TOKEN,
  probeAnswer,
  type TokenKind,
} from './probes.ts';

type AnyEndpoint = ProbeEndpoint<HostProbe> | ProbeEndpoint<AgentProbe>;

/** Sends `token` and fails unless the server took it as valid. */
async function expectAccepted(t: CheckContext, probe: TokenProbe<unknown>, token: string, what: string): Promise<void> {
  const result = await probe.send(token);
  if (!probe.accepted(result))
    t.fail(`${probe.what} with ${what}: expected the token to be accepted, got ${probeAnswer(result)}`);
}

function jtiReplayed(endpoint: AnyEndpoint, kind: TokenKind): CheckDefinition {
  const host = kind.kind === 'host';
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.jti-replayed`,
    title: `${endpoint.what} refuses ${kind.aToken} whose jti was already used`,
    area: 'jwt',
    requirements: host
      ? ['AAP-4.5.1-STEP7', 'AAP-4.6-03', 'AAP-8.4-01', 'AAP-5.13-ERR.invalid_jwt']
      : ['AAP-4.5-STEP8', 'AAP-4.6-03', 'AAP-8.4-01', 'AAP-5.13-ERR.invalid_jwt'],
    level: 'MUST',
    rulings: host ? ['RUL-JTI-CONCURRENT'] : ['RUL-JTI-CONCURRENT', 'RUL-TOKEN-REFUSAL-CODE'],
    needs: endpoint.needs,
    async run(t) {
      const probe = await endpoint.open(t);
      const token = await probe.mint();
      await expectAccepted(t, probe, token, `a fresh valid ${kind.token} (precondition)`);
      const replay = await probe.send(token);
      expectInvalidJwt(
        t,
        replay,
        `${probe.what} replaying the same ${kind.token} a second time`,
        '§4.6, §8.4',
        probe.accepted,
      );
    },
  });
}

/**
 * A token whose exp passed 5 s ago lies inside any non-zero skew allowance: if the server takes it,
 * its replay cache must still remember it (§8.2 sizes the cache to lifetime plus skew).
 */
function replayInSkewMargin(endpoint: AnyEndpoint, kind: TokenKind): CheckDefinition {
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.replay-in-skew-window`,
    title: `${endpoint.what} refuses the replay of ${kind.aToken} accepted within the exp skew margin`,
    area: 'jwt',
    requirements: ['AAP-8.2-05', 'AAP-8.4-01', 'AAP-4.6-03'],
    level: 'MUST',
    rulings: ['RUL-REPLAY-WINDOW'],
    needs: endpoint.needs,
    async run(t) {
      const probe = await endpoint.open(t);
      const token = await probe.mint({ iat: probe.now() - 65, exp: probe.now() - 5 });
      const first = await probe.send(token);
      if (!probe.accepted(first)) {
        t.notApplicable(
          `the server refused ${kind.aToken} whose exp passed 5 s ago (${probeAnswer(first)}): it tolerates no clock skew on exp, so there is no skew margin to replay in (RUL-REPLAY-WINDOW)`,
        );
      }
      const replay = await probe.send(token);
      expectInvalidJwt(
        t,
        replay,
        `${probe.what} replaying ${kind.aToken} accepted 5 s after its exp`,
        '§8.2 effective validity window, §8.4',
        probe.accepted,
      );
    },
  });
}

/** RUL-SKEW-TOLERANCE: §8.2 caps the skew allowance at 30 s but requires none, so this only informs. */
function futureIatWithinSkew(endpoint: AnyEndpoint, kind: TokenKind): CheckDefinition {
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.skew-future-iat-accepted`,
    title: `${endpoint.what} accepts ${kind.aToken} issued 20 seconds in the future (a skew allowance within the 30 s cap)`,
    area: 'jwt',
    requirements: ['AAP-8.2-02'],
    level: 'MAY',
    rulings: ['RUL-SKEW-TOLERANCE'],
    needs: endpoint.needs,
    async run(t) {
      const probe = await endpoint.open(t);
      const token = await probe.mint({ iat: probe.now() + 20 });
      await expectAccepted(
        t,
        probe,
        token,
        `${kind.aToken} whose iat is 20 s ahead, within the 30 s cap of §8.2 (the server grants less skew; RUL-SKEW-TOLERANCE)`,
      );
    },
  });
}

function expiredBeyondSkew(endpoint: AnyEndpoint, kind: TokenKind): CheckDefinition {
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.skew-expired-40s-refused`,
    title: `${endpoint.what} refuses ${kind.aToken} that expired 40 seconds ago (beyond a 30 s skew)`,
    area: 'jwt',
    requirements: ['AAP-8.2-02'],
    level: 'SHOULD',
    needs: endpoint.needs,
    async run(t) {
      const probe = await endpoint.open(t);
      const result = await probe.send(await probe.mint({ iat: probe.now() - 100, exp: probe.now() - 40 }));
      expectInvalidJwt(
        t,
        result,
        `${probe.what} with ${kind.aToken} whose exp passed 40 s ago`,
        '§8.2 skew of at most 30 s',
        probe.accepted,
      );
    },
  });
}

/** RUL-EXEC-AUD: the resolved location is the audience of execution tokens; the issuer may or may not be. */
const executionAudience = defineCheck({
  id: 'server.jwt.agent.execute.location-aud-accepted',
  title: 'Execute accepts an agent JWT whose aud is the resolved execution location',
  area: 'jwt',
  requirements: ['AAP-4.3-CLAIM.aud', 'AAP-5.11-01', 'AAP-4.3-06', 'AAP-5.1-04'],
  level: 'MUST',
  rulings: ['RUL-EXEC-AUD'],
  needs: executeEndpoint.needs,
  async run(t) {
    const probe = await executeEndpoint.open(t);
    const location = t.client.locationFor(t.capability('sync'));
    await expectAccepted(
      t,
      probe,
      await probe.mint({ aud: location }),
      `aud = the resolved location ${location} (§4.3, §5.11)`,
    );
    if (location !== t.client.issuer) {
      const result = await probe.send(await probe.mint({ aud: t.client.issuer }));
      t.note(
        `with aud = the issuer (${t.client.issuer}) the execution was ${probe.accepted(result) ? 'accepted' : `refused (${probeAnswer(result)})`}; either is conformant (RUL-EXEC-AUD)`,
      );
    }
  },
});

/** Host JWTs outside registration need no agent key claims, and carrying them does no harm (§4.2). */
const agentKeyClaimsOptional = defineCheck({
  id: 'server.jwt.host.status.agent-key-claims-optional',
  title: 'GET status accepts host JWTs with and without agent key claims',
  area: 'jwt',
  requirements: ['AAP-4.2-10', 'AAP-4.5.1-STEP10'],
  level: 'MUST',
  needs: statusEndpoint.needs,
  async run(t) {
    const probe = await statusEndpoint.open(t);
    await expectAccepted(t, probe, await probe.mint(), 'a host JWT without agent key claims');
    const agentKeys = await t.client.newAgentKeys();
    await expectAccepted(
      t,
      probe,
      await probe.mint({ agentPublicKey: agentKeys.publicJwk }),
      'a host JWT that also carries agent_public_key',
    );
  },
});

export const checks: CheckDefinition[] = [
  agentKeyClaimsOptional,
  ...HOST_ENDPOINTS.map((endpoint) => jtiReplayed(endpoint, HOST_TOKEN)),
  ...AGENT_ENDPOINTS.map((endpoint) => jtiReplayed(endpoint, AGENT_TOKEN)),
  replayInSkewMargin(statusEndpoint, HOST_TOKEN),
  replayInSkewMargin(executeEndpoint, AGENT_TOKEN),
  futureIatWithinSkew(statusEndpoint, HOST_TOKEN),
  futureIatWithinSkew(executeEndpoint, AGENT_TOKEN),
  expiredBeyondSkew(statusEndpoint, HOST_TOKEN),
  expiredBeyondSkew(executeEndpoint, AGENT_TOKEN),
  executionAudience,
];
