import { defineCheck, generateEd25519KeyPair, type CheckDefinition } from '../../../src/harness/api.ts';
import { expectInvalidJwt, HOST_ENDPOINTS, type HostProbe, type ProbeEndpoint } from './probes.ts';

/** A defective host JWT every host-authenticated endpoint must refuse with 401 invalid_jwt. */
interface HostTokenDefect {
  key: string;
  /** Completes "a host JWT …". */
  title: string;
  cite: string;
  requirements: string[];
  /** Requirements that apply only on some endpoints, by endpoint key. */
  endpointRequirements?: Record<string, string[]>;
  /** Endpoint keys the defect applies to; all when absent. */
  only?: string[];
  token(probe: HostProbe): Promise<string>;
}

const FOREIGN_AUDIENCE = 'https://other-server.invalid';

const DEFECTS: HostTokenDefect[] = [
  {
    key: 'wrong-typ',
    title: 'typed "JWT"',
    cite: '§4.2, §4.5.1 step 1',
    requirements: ['AAP-4.2-03', 'AAP-4.5.1-STEP1'],
    token: (p) => p.mint({ typ: 'JWT' }),
  },
  {
    key: 'agent-typ',
    title: 'typed agent+jwt (an agent token in place of a host token)',
    cite: '§4.2, §4.5.1 step 1',
    requirements: ['AAP-4.2-03', 'AAP-4.5.1-STEP1'],
    token: (p) => p.mint({ typ: 'agent+jwt' }),
  },
  {
    key: 'alg-none',
    title: 'with alg "none" and no signature',
    cite: '§4.5.1 step 5',
    requirements: ['AAP-4.5.1-STEP5'],
    token: (p) => p.mint({ variant: 'alg-none' }),
  },
  {
    key: 'hs256-public-key',
    title: 'MACed with HS256 keyed by the host public key',
    cite: '§4.5.1 step 5',
    requirements: ['AAP-4.5.1-STEP5', 'AAP-4.1-03'],
    token: (p) => p.mint({ variant: 'hs256-public-key' }),
  },
  {
    key: 'corrupt-signature',
    title: 'whose signature has one bit flipped',
    cite: '§4.5.1 step 5',
    requirements: ['AAP-4.5.1-STEP5'],
    token: (p) => p.mint({ variant: 'corrupt-signature' }),
  },
  {
    key: 'other-key',
    title: 'signed by a key other than the host key it names',
    cite: '§4.5.1 step 5',
    requirements: ['AAP-4.5.1-STEP5'],
    token: (p) => p.mint({ variant: 'other-key' }),
  },
  {
    key: 'wrong-alg-header',
    title: 'whose header says ES256 over an EdDSA signature',
    cite: '§4.1, §4.5.1 step 5',
    requirements: ['AAP-4.5.1-STEP5', 'AAP-4.1-03'],
    token: (p) => p.mint({ variant: 'wrong-alg-header' }),
  },
  {
    key: 'non-json-payload',
    title: 'whose payload is not JSON',
    cite: '§4.5.1 step 2',
    requirements: ['AAP-4.5.1-STEP2'],
    token: (p) => p.mint({ variant: 'non-json-payload' }),
  },
  {
    key: 'missing-exp',
    title: 'without exp',
    cite: '§4.2, §4.5.1 step 6',
    requirements: ['AAP-4.2-CLAIM.exp', 'AAP-4.5.1-STEP6'],
    token: (p) => p.mint({ omitClaims: ['exp'] }),
  },
  {
    key: 'missing-iat',
    title: 'without iat',
    cite: '§4.2, §4.5.1 step 6',
    requirements: ['AAP-4.2-CLAIM.iat', 'AAP-4.5.1-STEP6'],
    token: (p) => p.mint({ omitClaims: ['iat'] }),
  },
  {
    key: 'missing-jti',
    title: 'without jti',
    cite: '§4.2, §4.6',
    requirements: ['AAP-4.2-CLAIM.jti', 'AAP-4.5.1-STEP7'],
    token: (p) => p.mint({ omitClaims: ['jti'] }),
  },
  {
    key: 'expired',
    title: 'that expired two minutes ago, far beyond any 30 s skew',
    cite: '§4.5.1 step 6, §8.2',
    requirements: ['AAP-4.5.1-STEP6'],
    token: (p) => p.mint({ iat: p.now() - 180, exp: p.now() - 120 }),
  },
  {
    key: 'future-iat',
    title: 'issued 45 seconds in the future',
    cite: '§4.5.1 step 6, §8.2',
    requirements: ['AAP-4.5.1-STEP6', 'AAP-8.2-03'],
    token: (p) => p.mint({ iat: p.now() + 45 }),
  },
  {
    key: 'foreign-aud',
    title: `whose aud is another server (${FOREIGN_AUDIENCE})`,
    cite: '§4.2, §4.5.1 step 3',
    requirements: ['AAP-4.2-CLAIM.aud', 'AAP-4.5.1-STEP3', 'AAP-8.18-01'],
    token: (p) => p.mint({ aud: FOREIGN_AUDIENCE }),
  },
  {
    key: 'iss-not-thumbprint',
    title: 'whose iss is the thumbprint of another key than the inline host key',
    cite: '§4.2, §4.5.1 step 4',
    requirements: ['AAP-4.2-CLAIM.iss', 'AAP-4.5.1-STEP4'],
    endpointRequirements: { register: ['AAP-4.2-06'], status: ['AAP-4.2-04'] },
    token: async (p) => p.mint({ iss: (await generateEd25519KeyPair()).thumbprint }),
  },
  {
    key: 'missing-host-key',
    title: 'carrying neither host_public_key nor host_jwks_url',
    cite: '§4.2, §4.5.1 step 4',
    requirements: ['AAP-4.2-CLAIM.host_public_key', 'AAP-4.5.1-STEP4'],
    only: ['register'],
    token: (p) => p.mint({ includeHostPublicKey: false }),
  },
];

function defectCheck(endpoint: ProbeEndpoint<HostProbe>, defect: HostTokenDefect): CheckDefinition {
  return defineCheck({
    id: `server.jwt.host.${endpoint.key}.${defect.key}`,
    title: `${endpoint.what} refuses a host JWT ${defect.title}`,
    area: 'jwt',
    requirements: [
      ...defect.requirements,
      ...(defect.endpointRequirements?.[endpoint.key] ?? []),
      'AAP-4.5.1-01',
      'AAP-5.13-ERR.invalid_jwt',
    ],
    level: 'MUST',
    needs: endpoint.needs,
    async run(t) {
      const probe = await endpoint.open(t);
      const result = await probe.send(await defect.token(probe));
      expectInvalidJwt(t, result, `${probe.what} with a host JWT ${defect.title}`, defect.cite, probe.accepted);
    },
  });
}

export const checks: CheckDefinition[] = HOST_ENDPOINTS.flatMap((endpoint) =>
  DEFECTS.filter((defect) => defect.only === undefined || defect.only.includes(endpoint.key)).map((defect) =>
    defectCheck(endpoint, defect),
  ),
);
