import {
  describeAnswer,
  generateEd25519KeyPair,
  jwks,
  type CheckContext,
  type CheckDefinition,
  type CheckNeed,
} from '../../../src/harness/api.ts';
import { executeSync, expectExecutes } from '../_shared/execution.ts';
import { readStatus } from '../_shared/lifecycle.ts';
import { expectAuthRefusal, expectRefusal, INVALID_JWT } from '../_shared/refusals.ts';
import { expectRegistered } from '../_shared/registration.ts';
import {
  AGENT_KID,
  defineLoopbackJwksCheck,
  expectRegistrationRefused,
  jwksHostWithAgent,
  newJwksHost,
  rotateJwksHostKey,
} from './fixtures.ts';

/** Every positive JWKS check registers, approves and reads status; agent ones also execute. */
const HOST_NEEDS: CheckNeed[] = [
  { endpoint: 'register' },
  { endpoint: 'status' },
  { control: 'approve' },
  { capability: 'sync' },
];
/** How many status reads the caching check makes after the host is set up. */
const CACHE_PROBES = 3;

/** JWKS-keyed hosts and agents served by the harness, under the operator's loopback allowance (§4.2, §4.5.1, §8.7). */
export const checks: CheckDefinition[] = [
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.host-registers',
    title: 'A JWKS-keyed host (host_jwks_url and kid, no inline key) registers, and its host JWTs authenticate',
    requirements: ['AAP-4.2-CLAIM.host_jwks_url', 'AAP-4.2-05', 'AAP-4.5.1-STEP4', 'AAP-4.5.1-STEP5'],
    level: 'MUST',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const { host, published } = await newJwksHost(t);
      const registration = await t.client.register(host, { capabilities: [t.capability('sync')] });
      const agent = expectRegistered(
        t,
        registration,
        `register with host_jwks_url ${published.url} and kid (§4.2)`,
        published,
      );
      t.expect(
        published.fetches.length > 0,
        `register with host_jwks_url: the server accepted the host JWT without ever fetching ${published.url}, so it cannot have verified its signature (§4.5.1 steps 4-5)`,
      );
      if (registration.json?.status === 'pending') await t.client.approve(agent);
      const status = await readStatus(
        t,
        agent,
        {},
        'status with a host JWT naming host_jwks_url and kid (§4.2, §4.5.1)',
      );
      if (typeof registration.json?.host_id === 'string') {
        t.expect(
          status.json.host_id === registration.json.host_id,
          `status answered host_id ${JSON.stringify(status.json.host_id)}, registration answered ${JSON.stringify(registration.json.host_id)}: the JWKS-keyed host was not recognised (§4.2)`,
        );
      }
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.host-iss-must-match-key',
    title: "A JWKS-keyed host's JWT whose iss is not the thumbprint of the key named by kid is refused",
    requirements: ['AAP-4.2-05', 'AAP-4.2-CLAIM.iss', 'AAP-4.5.1-STEP4'],
    level: 'MUST',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const { agent } = await jwksHostWithAgent(t);
      const stranger = await generateEd25519KeyPair();
      const result = await t.client.status(agent, { iss: stranger.thumbprint });
      expectAuthRefusal(
        t,
        result,
        "status with a host JWT signed by the JWKS key but claiming another key's thumbprint as iss",
        '§4.2, §4.5.1 step 4',
      );
      await readStatus(t, agent, {}, 'status with a correct host JWT afterwards');
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.agent-executes',
    title:
      'A JWKS-keyed agent (agent_jwks_url and agent_kid) registers and executes; tokens signed by another key are refused',
    requirements: ['AAP-4.2-CLAIM.agent_jwks_url', 'AAP-4.2-CLAIM.agent_kid', 'AAP-4.5.1-STEP9', 'AAP-4.5-STEP7'],
    level: 'MUST',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const { host } = await t.client.linkedHost();
      const agentKeys = await t.client.newAgentKeys({ kid: AGENT_KID });
      const published = await t.jwks.publish('agent', jwks(agentKeys));
      const agent = await t.client.activeAgent({
        host,
        agentKeys,
        agentJwksUrl: published.url,
        capabilities: [t.capability('sync')],
      });
      await expectExecutes(
        t,
        agent,
        `execute as an agent registered with agent_jwks_url ${published.url} and agent_kid (§4.2)`,
      );
      t.expect(
        published.fetches.length > 0,
        `the JWKS-keyed agent executed although the server never fetched ${published.url}, so it cannot have verified the agent's signature (§4.5 step 7)`,
      );
      const forged = await executeSync(t, agent, { variant: 'other-key' });
      expectRefusal(
        t,
        forged,
        [INVALID_JWT],
        `execute with an agent JWT naming kid ${AGENT_KID} but signed by a key outside the agent's JWKS`,
        '§4.5 step 7, §5.13',
      );
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.rotation-picked-up',
    title: "A JWKS-keyed host's rotated key (new kid, new iss) is fetched and the host is found through host_jwks_url",
    requirements: ['AAP-5.9-08', 'AAP-4.5.1-STEP4', 'AAP-4.2-05'],
    level: 'MUST',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const fixture = await jwksHostWithAgent(t);
      const { agent, published } = fixture;
      const before = await readStatus(t, agent, {}, 'status before the JWKS rotation');
      await rotateJwksHostKey(fixture);
      const fetchesBefore = published.fetches.length;
      const after = await readStatus(
        t,
        agent,
        {},
        'status with a host JWT signed by the newly published key (new kid and iss; §4.5.1 step 4, §8.7)',
      );
      t.expect(
        published.fetches.length > fetchesBefore,
        `status with the rotated key was answered 200 although the server did not fetch ${published.url} again, so it cannot have verified the new key (§4.5.1 step 4: re-fetch the JWKS)`,
      );
      t.expect(
        after.json.host_id === before.json.host_id && after.status === before.status,
        `status after the JWKS rotation: host_id/status changed from ${JSON.stringify([before.json.host_id, before.status])} to ${JSON.stringify([after.json.host_id, after.status])} (§8.7: the host is the same)`,
      );
      await expectExecutes(t, agent, 'execute with iss = the rotated host thumbprint (§8.7)', {
        hostIss: agent.host.keys.thumbprint,
      });
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.agent-iss-resolved-by-sub',
    title: "Right after a JWKS host's key changes, agent JWTs naming the new thumbprint are resolved through sub",
    requirements: ['AAP-8.7-02', 'AAP-4.5-STEP4'],
    level: 'MUST',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const fixture = await jwksHostWithAgent(t);
      await expectExecutes(t, fixture.agent, 'precondition: before the JWKS rotation');
      await rotateJwksHostKey(fixture);
      await expectExecutes(
        t,
        fixture.agent,
        'execute with iss = the new host thumbprint before any host JWT told the server about it (§4.5 step 4, §8.7)',
        { hostIss: fixture.agent.host.keys.thumbprint },
      );
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.previous-identifier-grace',
    title:
      "After a JWKS host's key changes, its previous identifier keeps working while the old key is still published",
    requirements: ['AAP-8.7-03'],
    level: 'SHOULD',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const fixture = await jwksHostWithAgent(t);
      const { agent } = fixture;
      const previous = await rotateJwksHostKey(fixture);
      await readStatus(
        t,
        agent,
        {},
        'precondition: status with the newly published key (the server moves the host identifier)',
      );
      const agentResult = await executeSync(t, agent, { hostIss: previous.thumbprint });
      t.expect(
        agentResult.status === 200 && !agentResult.error,
        `execute with an agent JWT naming the previous host identifier: expected 200 during the grace period (§8.7), got ${describeAnswer(agentResult)}`,
      );
      const hostResult = await t.client.status(agent, { host: previous });
      t.expect(
        hostResult.status === 200 && !hostResult.error,
        `status with a host JWT signed by the previous key, still published in the JWKS: expected 200 during the grace period (§8.7), got ${describeAnswer(hostResult)}`,
      );
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.keys-cached',
    title: 'Keys fetched from a host JWKS URL are cached rather than fetched again for every request',
    requirements: ['AAP-4.2-09', 'AAP-10.4-01'],
    level: 'SHOULD',
    needs: HOST_NEEDS,
    async run(t: CheckContext) {
      const { agent, published } = await jwksHostWithAgent(t);
      const fetchesBefore = published.fetches.length;
      for (let probe = 1; probe <= CACHE_PROBES; probe += 1)
        await readStatus(t, agent, {}, `status ${probe} of ${CACHE_PROBES}`);
      const fetched = published.fetches.length - fetchesBefore;
      t.note(
        `${published.url} was fetched ${published.fetches.length} time(s) in all, ${fetched} during ${CACHE_PROBES} status reads`,
      );
      t.expect(
        fetched < CACHE_PROBES,
        `the server fetched ${published.url} for each of ${CACHE_PROBES} consecutive host requests signed by the same key (§4.2, §10.4: cache fetched keys)`,
      );
    },
  }),
  defineLoopbackJwksCheck({
    id: 'server.key-rotation.jwks.distinct-urls',
    title: "A registration naming the host's own JWKS URL as agent_jwks_url is refused",
    requirements: ['AAP-4.2-07'],
    level: 'SHOULD',
    rulings: ['RUL-DISTINCT-JWKS-URLS'],
    needs: [{ endpoint: 'register' }],
    async run(t: CheckContext) {
      const { host, published } = await newJwksHost(t);
      const agentKeys = await t.client.newAgentKeys({ kid: AGENT_KID });
      // One document holds both keys, so only the shared URL can be the reason for a refusal.
      published.replace(jwks(host.keys, agentKeys));
      const shared = await t.client.register(host, { agentKeys, agentJwksUrl: published.url });
      expectRegistrationRefused(
        t,
        shared,
        `register with agent_jwks_url equal to host_jwks_url ${published.url}`,
        '§4.2: host and agent JWKS URLs point to different endpoints',
      );
      const agentSet = await t.jwks.publish('agent', jwks(agentKeys));
      const distinct = await t.client.register(host, { agentKeys, agentJwksUrl: agentSet.url });
      expectRegistered(t, distinct, 'control: the same registration with a distinct agent_jwks_url', agentSet);
    },
  }),
];
