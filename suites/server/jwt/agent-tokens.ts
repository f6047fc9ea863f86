import { randomUUID } from 'node:crypto';
import { defineCheck, type CheckDefinition } from '../../../src/harness/api.ts';
import { AGENT_ENDPOINTS, expectInvalidJwt, type AgentProbe, type ProbeEndpoint } from './probes.ts';

/** A defective agent JWT every agent-authenticated endpoint must refuse with 401 invalid_jwt. */
interface AgentTokenDefect {
  key: string;
  /** Completes "an agent JWT …". */
  title: string;
  cite: string;
  requirements: string[];
  /** Requirements and rulings that apply only on some endpoints, by endpoint key. */
  endpointRequirements?: Record<string, string[]>;
  endpointRulings?: Record<string, string[]>;
  /** Rulings that apply on every endpoint. */
  rulings?: string[];
  /** The token to send, or several (each sent, each to be refused), told apart by `detail`. */
  token(probe: AgentProbe): Promise<string | DefectToken[]>;
}

interface DefectToken {
  token: string;
  /** Added to the request's description in messages. */
  detail: string;
}

const FOREIGN_AUDIENCE = 'https://other-server.invalid/capability/execute';

const DEFECTS: AgentTokenDefect[] = [
  {
    key: 'wrong-typ',
    title: 'typed "JWT"',
    cite: '§4.3, §4.5 step 1',
    requirements: ['AAP-4.3-03', 'AAP-4.5-STEP1'],
    token: (p) => p.mint({ typ: 'JWT' }),
  },
  {
    key: 'host-typ',
    title: 'typed host+jwt (a host token in place of an agent token)',
    cite: '§4.3, §4.5 step 1',
    requirements: ['AAP-4.3-03', 'AAP-4.5-STEP1'],
    token: (p) => p.mint({ typ: 'host+jwt' }),
  },
  {
    key: 'alg-none',
    title: 'with alg "none" and no signature',
    cite: '§4.5 step 7',
    requirements: ['AAP-4.5-STEP7'],
    token: (p) => p.mint({ variant: 'alg-none' }),
  },
  {
    key: 'hs256-public-key',
    title: 'MACed with HS256 keyed by the agent public key',
    cite: '§4.5 step 7',
    requirements: ['AAP-4.5-STEP7', 'AAP-4.1-03'],
    token: (p) => p.mint({ variant: 'hs256-public-key' }),
  },
  {
    key: 'corrupt-signature',
    title: 'whose signature has one bit flipped',
    cite: '§4.5 step 7',
    requirements: ['AAP-4.5-STEP7'],
    token: (p) => p.mint({ variant: 'corrupt-signature' }),
  },
  {
    key: 'other-key',
    title: 'signed by a key other than the agent key',
    cite: '§4.5 step 7',
    requirements: ['AAP-4.5-STEP7'],
    token: (p) => p.mint({ variant: 'other-key' }),
  },
  {
    key: 'wrong-alg-header',
    title: 'whose header says ES256 over an EdDSA signature',
    cite: '§4.1, §4.5 step 7',
    requirements: ['AAP-4.5-STEP7', 'AAP-4.1-03'],
    token: (p) => p.mint({ variant: 'wrong-alg-header' }),
  },
  {
    key: 'non-json-payload',
    title: 'whose payload is not JSON',
    cite: '§4.5 step 2',
    requirements: ['AAP-4.5-STEP2'],
    token: (p) => p.mint({ variant: 'non-json-payload' }),
  },
  {
    key: 'missing-exp',
    title: 'without exp',
    cite: '§4.3, §4.5 step 8',
    requirements: ['AAP-4.3-CLAIM.exp', 'AAP-4.5-STEP8'],
    token: (p) => p.mint({ omitClaims: ['exp'] }),
  },
  {
    key: 'missing-iat',
    title: 'without iat',
    cite: '§4.3, §4.5 step 8',
    requirements: ['AAP-4.3-CLAIM.iat', 'AAP-4.5-STEP8'],
    token: (p) => p.mint({ omitClaims: ['iat'] }),
  },
  {
    key: 'missing-jti',
    title: 'without jti',
    cite: '§4.3, §4.6',
    requirements: ['AAP-4.3-CLAIM.jti', 'AAP-4.5-STEP8'],
    token: (p) => p.mint({ omitClaims: ['jti'] }),
  },
  {
    key: 'expired',
    title: 'that expired two minutes ago, far beyond any 30 s skew',
    cite: '§4.5 step 8, §8.2',
    requirements: ['AAP-4.5-STEP8'],
    token: (p) => p.mint({ iat: p.now() - 180, exp: p.now() - 120 }),
  },
  {
    key: 'future-iat',
    title: 'issued 45 seconds in the future',
    cite: '§4.5 step 8, §8.2',
    requirements: ['AAP-4.5-STEP8', 'AAP-8.2-03'],
    token: (p) => p.mint({ iat: p.now() + 45 }),
  },
  {
    key: 'foreign-aud',
    title: `whose aud is another server (${FOREIGN_AUDIENCE})`,
    cite: '§4.3, §4.5 step 3',
    requirements: ['AAP-4.3-06', 'AAP-4.3-CLAIM.aud'],
    endpointRequirements: { execute: ['AAP-5.11-01'], 'request-capability': ['AAP-4.5-STEP3'] },
    endpointRulings: { execute: ['RUL-EXEC-AUD'] },
    token: (p) => p.mint({ aud: FOREIGN_AUDIENCE }),
  },
  {
    key: 'unknown-agent',
    title: 'whose sub names no agent of the server',
    cite: '§4.5 step 5',
    requirements: ['AAP-4.5-STEP5', 'AAP-4.3-CLAIM.sub'],
    rulings: ['RUL-TOKEN-REFUSAL-CODE'],
    token: (p) => p.mint({ agentId: `agt_conformance_${randomUUID()}` }),
  },
  {
    key: 'foreign-host-agent',
    title: "whose sub is another host's agent (signed by that agent's key, iss of this host)",
    cite: '§4.5 steps 4-5',
    requirements: ['AAP-4.5-STEP5', 'AAP-4.5-STEP4', 'AAP-4.3-CLAIM.iss'],
    // The thumbprint is the spec's iss; a declared issuer workaround adds the identifier the server
    // does recognise, so the host-agent binding of step 5 is observed even where thumbprints are refused.
    async token(p) {
      const other = await p.newAgent();
      const host = p.agent.host;
      const issuers = [...new Set([host.keys.thumbprint, p.agentIssuer(host)])];
      return Promise.all(
        issuers.map(async (hostIss) => ({
          token: await p.mintFor(other, { hostIss }),
          detail:
            hostIss === host.keys.thumbprint
              ? `iss = this host's key thumbprint`
              : `iss = this host's id ${hostIss} (issuer workaround)`,
        })),
      );
    },
  },
];

function defectCheck(endpoint: ProbeEndpoint<AgentProbe>, defect: AgentTokenDefect): CheckDefinition {
  const check: CheckDefinition = {
    id: `server.jwt.agent.${endpoint.key}.${defect.key}`,
    title: `${endpoint.what} refuses an agent JWT ${defect.title}`,
    area: 'jwt',
    requirements: [
      ...defect.requirements,
      ...(defect.endpointRequirements?.[endpoint.key] ?? []),
      'AAP-5.13-ERR.invalid_jwt',
    ],
    level: 'MUST',
    needs: endpoint.needs,
    async run(t) {
      const probe = await endpoint.open(t);
      const what = `${probe.what} with an agent JWT ${defect.title}`;
      const minted = await defect.token(probe);
      if (typeof minted === 'string') {
        expectInvalidJwt(t, await probe.send(minted), what, defect.cite, probe.accepted);
        return;
      }
      for (const { token, detail } of minted)
        expectInvalidJwt(t, await probe.send(token), `${what} (${detail})`, defect.cite, probe.accepted);
    },
  };
  const rulings = [...(defect.rulings ?? []), ...(defect.endpointRulings?.[endpoint.key] ?? [])];
  if (rulings.length > 0) check.rulings = rulings;
  return defineCheck(check);
}

export const checks: CheckDefinition[] = AGENT_ENDPOINTS.flatMap((endpoint) =>
  DEFECTS.map((defect) => defectCheck(endpoint, defect)),
);
