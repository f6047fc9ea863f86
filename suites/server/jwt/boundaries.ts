import fc from 'fast-check';
import {
  checkProperty,
  defaultLocation,
  defineCheck,
  nearBoundary,
  resolveEndpoint,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import {
  executeEndpoint,
  expectInvalidJwt,
  registerEndpoint,
  requestCapabilityEndpoint,
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

/**
 * Generated probes at and around the limits of host and agent JWT verification (§4.5, §4.5.1):
 * the time checks (iat ahead of the clock, exp behind it, exp - iat against the lifetime), the
 * audience check with the other URLs of the same server, and the replay check with one token sent
 * several times at once. Every case is drawn by fast-check from the run seed, shrinks toward the
 * limit it probes and replays with `--seed`.
 */

/** Largest allowance §8.2 lets a server grant on iat and exp, in seconds. */
const SKEW_CAP = 30;
/** The lifetime §4.3 and §8.2 recommend, and the one every token of this suite carries. */
const LIFETIME = 60;
/**
 * Seconds by which the harness's clock and the server's, plus the time a request spends in
 * transit, may disagree. No verdict is drawn within this margin of a limit: a token the server must
 * refuse lies more than SKEW_CAP + MARGIN ahead, and a token it must accept has iat at least MARGIN
 * in the past and exp at least MARGIN in the future. So a correct server a few seconds off our
 * clock, granting any skew allowance from none to 30 s, passes every case.
 */
const MARGIN = 5;

const show = (value: unknown) => JSON.stringify(value);

// ---------------------------------------------------------------------------------------------
// Time limits: iat, exp and the lifetime between them.

/** A token's times relative to the target's clock when it is minted, in seconds. */
export interface TokenTimes {
  iat: number;
  exp: number;
}

/** What a correct server does with a token: `refuse` and `accept` are required, `either` is its choice. */
export type TimeVerdict = 'refuse' | 'accept' | 'either';

/**
 * What §4.5 step 8 / §4.5.1 step 6 with §8.2 require of a token with these times, leaving MARGIN
 * either side of each limit undecided. An iat more than 30 s ahead must be refused (§8.2 MUST NOT).
 * A token issued in the past, not yet expired and living at most the recommended 60 s must be
 * accepted: every token of this suite looks like that. Expired tokens are refused by any server
 * that grants no skew, accepted by one that does, so they are `either` here; how far past exp a
 * server may still accept is a SHOULD, judged by the skew-boundary checks.
 */
export function timeVerdict(times: TokenTimes): TimeVerdict {
  if (times.iat > SKEW_CAP + MARGIN) return 'refuse';
  if (times.iat <= -MARGIN && times.exp >= MARGIN && times.exp - times.iat <= LIFETIME) return 'accept';
  return 'either';
}

/** Lifetimes at and just under the recommended 60 s, now and then a little over it. */
const lifetimes = nearBoundary([LIFETIME], { below: 6, above: 3 });

/**
 * One token next to each time limit: iat just past the skew cap and just under it, exp just ahead
 * of the clock and just behind it, and iat in the past with a lifetime around 60 s. Every case
 * probes all of them, so each limit is probed whatever the seed.
 */
export const timeCases = fc
  .record({
    iatPastCap: nearBoundary([SKEW_CAP + MARGIN + 1], { below: 0, above: 6 }),
    iatUnderCap: nearBoundary([SKEW_CAP], { below: 4, above: MARGIN }),
    expJustAhead: nearBoundary([MARGIN], { below: 0, above: 6 }),
    expJustPassed: nearBoundary([0], { below: SKEW_CAP, above: 0 }),
    lifetime: lifetimes,
  })
  .map(
    ({ iatPastCap, iatUnderCap, expJustAhead, expJustPassed, lifetime }): Record<string, TokenTimes> => ({
      'iat past the skew cap': { iat: iatPastCap, exp: iatPastCap + LIFETIME },
      'iat under the skew cap': { iat: iatUnderCap, exp: iatUnderCap + LIFETIME },
      'exp just ahead': { iat: expJustAhead - lifetime, exp: expJustAhead },
      'exp just passed': { iat: expJustPassed - LIFETIME, exp: expJustPassed },
      'lifetime around 60 s': { iat: -MARGIN, exp: lifetime - MARGIN },
    }),
  );

function describeTimes(times: TokenTimes): string {
  const at = (offset: number) => (offset === 0 ? 'now' : offset > 0 ? `now+${offset}s` : `now${offset}s`);
  return `iat ${at(times.iat)}, exp ${at(times.exp)} (lifetime ${times.exp - times.iat} s)`;
}

/**
 * Sends one token with `times` and judges it; a token the server accepted is sent again, and the
 * replay must be refused whatever the times were (§4.6, §8.4; inside the skew margin §8.2 and
 * RUL-REPLAY-WINDOW).
 */
async function probeTimes(
  t: CheckContext,
  probe: TokenProbe<{ iat?: number; exp?: number }>,
  kind: TokenKind,
  label: string,
  times: TokenTimes,
): Promise<void> {
  const now = probe.now();
  const token = await probe.mint({ iat: now + times.iat, exp: now + times.exp });
  const what = `${probe.what} with ${kind.aToken} whose ${describeTimes(times)} [${label}]`;
  const verdict = timeVerdict(times);
  const result = await probe.send(token);
  const accepted = probe.accepted(result);
  if (verdict === 'refuse') {
    expectInvalidJwt(t, result, what, `iat more than ${SKEW_CAP} s ahead: §8.2`, probe.accepted);
    return;
  }
  if (verdict === 'accept' && !accepted) {
    t.fail(
      `${what}: expected the token to be accepted (issued in the past, not expired by ${MARGIN} s of margin, lifetime at most ${LIFETIME} s), got ${probeAnswer(result)}`,
    );
  }
  if (!accepted) return;
  const replay = await probe.send(token);
  expectInvalidJwt(t, replay, `${what}, sent a second time after it was accepted`, '§4.6, §8.2, §8.4', probe.accepted);
}

function timeBoundaries(
  endpoint: ProbeEndpoint<HostProbe> | ProbeEndpoint<AgentProbe>,
  kind: TokenKind,
): CheckDefinition {
  const host = kind.kind === 'host';
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.time-boundaries`,
    title: `${endpoint.what} judges ${kind.token}s with iat, exp and lifetime next to their limits as §8.2 requires, and refuses the replay of every one it accepts`,
    area: 'jwt',
    requirements: host
      ? [
          'AAP-4.5.1-STEP6',
          'AAP-4.5.1-STEP7',
          'AAP-8.2-03',
          'AAP-8.2-05',
          'AAP-8.4-01',
          'AAP-4.6-03',
          'AAP-4.5.1-01',
          'AAP-5.13-ERR.invalid_jwt',
        ]
      : ['AAP-4.5-STEP8', 'AAP-8.2-03', 'AAP-8.2-05', 'AAP-8.4-01', 'AAP-4.6-03', 'AAP-5.13-ERR.invalid_jwt'],
    level: 'MUST',
    rulings: host
      ? ['RUL-SKEW-TOLERANCE', 'RUL-REPLAY-WINDOW']
      : ['RUL-SKEW-TOLERANCE', 'RUL-REPLAY-WINDOW', 'RUL-TOKEN-REFUSAL-CODE'],
    needs: endpoint.needs,
    async run(t: CheckContext) {
      const probe: TokenProbe<{ iat?: number; exp?: number }> = await endpoint.open(t);
      await checkProperty(
        t,
        [timeCases],
        async (cases) => {
          for (const [label, times] of Object.entries(cases)) await probeTimes(t, probe, kind, label, times);
        },
        { numRuns: 5 },
      );
    },
  });
}

/** exp offsets just beyond the 30 s cap plus the margin: a server allowing at most 30 s refuses them all. */
export const expiredBeyondCap = fc.record({
  exp: nearBoundary([-(SKEW_CAP + MARGIN + 1)], { below: 8, above: 0 }),
  lifetime: nearBoundary([LIFETIME], { below: 6, above: 0 }),
});

/** §8.2 caps the skew allowance on exp at 30 s (SHOULD); RUL-SKEW-TOLERANCE scores a breach as a warning. */
function expiredSkewBoundary(
  endpoint: ProbeEndpoint<HostProbe> | ProbeEndpoint<AgentProbe>,
  kind: TokenKind,
): CheckDefinition {
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.skew-boundary-expired-refused`,
    title: `${endpoint.what} refuses ${kind.token}s whose exp passed just over 30 seconds ago`,
    area: 'jwt',
    requirements: ['AAP-8.2-02'],
    level: 'SHOULD',
    rulings: ['RUL-SKEW-TOLERANCE'],
    needs: endpoint.needs,
    async run(t: CheckContext) {
      const probe: TokenProbe<{ iat?: number; exp?: number }> = await endpoint.open(t);
      await checkProperty(
        t,
        [expiredBeyondCap],
        async ({ exp, lifetime }) => {
          const times = { iat: exp - lifetime, exp };
          const now = probe.now();
          const result = await probe.send(await probe.mint({ iat: now + times.iat, exp: now + times.exp }));
          expectInvalidJwt(
            t,
            result,
            `${probe.what} with ${kind.aToken} whose ${describeTimes(times)}: exp passed more than ${SKEW_CAP} s + ${MARGIN} s of margin ago`,
            '§8.2 skew of at most 30 s',
            probe.accepted,
          );
        },
        { numRuns: 8 },
      );
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Audience: other URLs of the same server, and near misses of the expected one.

/** The audiences an endpoint takes, and the URLs of the same server it must refuse as audience. */
export interface AudienceTargets {
  /** Audiences a correct server accepts here (required or left to it by a ruling). */
  accepted: string[];
  /** URLs the server answers at or advertises, none of them an accepted audience here. */
  sameServer: string[];
  /** URLs near misses are made from: the expected audience first. */
  bases: string[];
}

/** `https://host:port` of a URL, as written (no trailing slash); undefined when it is not a URL. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** How a near miss is made from a URL of the server. */
export type Mutation = 'trailing-slash' | 'extra-segment' | 'parent-path' | 'other-port' | 'other-scheme';
const MUTATIONS: Mutation[] = ['trailing-slash', 'extra-segment', 'parent-path', 'other-port', 'other-scheme'];

/** `base` changed by `mutation`; text after the origin is kept as written (no URL normalisation). */
export function mutateUrl(base: string, mutation: Mutation, segment: string): string {
  const origin = originOf(base);
  const rest = origin !== undefined && base.startsWith(origin) ? base.slice(origin.length) : '';
  switch (mutation) {
    case 'trailing-slash':
      return base.endsWith('/') ? base.slice(0, -1) : `${base}/`;
    case 'extra-segment':
      return `${base.replace(/\/+$/, '')}/${segment}`;
    case 'parent-path': {
      const trimmed = rest.replace(/\/+$/, '');
      if (origin === undefined || trimmed === '') return `${base.replace(/\/+$/, '')}/..`;
      return `${origin}${trimmed.slice(0, trimmed.lastIndexOf('/'))}`;
    }
    case 'other-port': {
      if (origin === undefined) return `${base}:1`;
      const url = new URL(origin);
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      return `${url.protocol}//${url.hostname}:${port === 65535 ? port - 1 : port + 1}${rest}`;
    }
    case 'other-scheme':
      return base.startsWith('https:') ? `http:${base.slice(6)}` : base.replace(/^http:/, 'https:');
  }
}

/** Foreign audiences: another server altogether. */
const FOREIGN = ['https://other-server.invalid', 'https://other-server.invalid/capability/execute'];

/**
 * Audiences an endpoint must refuse, drawn by fast-check: another URL of the same server, a near
 * miss made from one of its URLs, or a foreign server. Shrinks toward the first URL of the server
 * and the trailing slash of the expected audience.
 */
export function audienceNearMisses(targets: AudienceTargets): fc.Arbitrary<string> {
  const mutated = fc
    .record({
      base: fc.constantFrom(...targets.bases),
      mutation: fc.constantFrom(...MUTATIONS),
      segment: fc.stringMatching(/^[a-z0-9]{1,6}$/),
    })
    .map(({ base, mutation, segment }) => mutateUrl(base, mutation, segment));
  const sources: fc.Arbitrary<string>[] = [mutated, fc.constantFrom(...FOREIGN)];
  if (targets.sameServer.length > 0) sources.unshift(fc.constantFrom(...targets.sameServer));
  return fc.oneof(...sources).filter((aud) => !targets.accepted.includes(aud));
}

/**
 * The audience targets of one endpoint. `expected` is the audience the spec names (the issuer, or
 * for execution the resolved location), `alsoAccepted` those a ruling leaves to the server.
 */
export function audienceTargets(
  t: Pick<CheckContext, 'discovery'>,
  issuer: string,
  expected: string,
  alsoAccepted: string[] = [],
): AudienceTargets {
  const accepted = [...new Set([expected, ...alsoAccepted])];
  const endpoints = Object.values(t.discovery.endpoints ?? {})
    .filter((value): value is string => typeof value === 'string')
    .flatMap((value) => resolveEndpoint(issuer, value)?.url ?? []);
  const origin = originOf(issuer);
  const location = defaultLocation(t.discovery);
  const candidates = [
    // The issuer spelled with or without a trailing slash: aud is compared as a string (RFC 7519 §2, §8.18).
    mutateUrl(issuer, 'trailing-slash', ''),
    ...(origin === undefined ? [] : [origin, `${origin}/`]),
    ...(location === undefined ? [] : [location]),
    ...endpoints,
  ];
  const sameServer = [...new Set(candidates)].filter((url) => !accepted.includes(url));
  const bases = [...new Set([expected, issuer, ...(location === undefined ? [] : [location]), ...endpoints])];
  return { accepted, sameServer, bases };
}

interface AudienceEndpoint {
  endpoint: ProbeEndpoint<HostProbe> | ProbeEndpoint<AgentProbe>;
  kind: TokenKind;
  requirements: string[];
  rulings?: string[];
  /** The expected audience and those a ruling also allows. */
  audiences(t: CheckContext): { expected: string; alsoAccepted: string[] };
}

const issuerAudience = (t: CheckContext) => ({ expected: t.client.issuer, alsoAccepted: [] });

const AUDIENCE_ENDPOINTS: AudienceEndpoint[] = [
  {
    endpoint: registerEndpoint,
    kind: HOST_TOKEN,
    requirements: ['AAP-4.2-CLAIM.aud', 'AAP-4.5.1-STEP3', 'AAP-8.18-01', 'AAP-4.5.1-01', 'AAP-5.13-ERR.invalid_jwt'],
    audiences: issuerAudience,
  },
  {
    endpoint: statusEndpoint,
    kind: HOST_TOKEN,
    requirements: ['AAP-4.2-CLAIM.aud', 'AAP-4.5.1-STEP3', 'AAP-8.18-01', 'AAP-4.5.1-01', 'AAP-5.13-ERR.invalid_jwt'],
    audiences: issuerAudience,
  },
  {
    endpoint: requestCapabilityEndpoint,
    kind: AGENT_TOKEN,
    requirements: ['AAP-4.3-06', 'AAP-4.3-CLAIM.aud', 'AAP-4.5-STEP3', 'AAP-8.18-01', 'AAP-5.13-ERR.invalid_jwt'],
    audiences: issuerAudience,
  },
  {
    endpoint: executeEndpoint,
    kind: AGENT_TOKEN,
    requirements: ['AAP-4.3-06', 'AAP-4.3-CLAIM.aud', 'AAP-5.11-01', 'AAP-5.13-ERR.invalid_jwt'],
    // RUL-EXEC-AUD: the resolved location is required; the issuer may be accepted too.
    rulings: ['RUL-EXEC-AUD'],
    audiences: (t) => ({ expected: t.client.locationFor(t.capability('sync')), alsoAccepted: [t.client.issuer] }),
  },
];

function audienceBoundaries(spec: AudienceEndpoint): CheckDefinition {
  const { endpoint, kind } = spec;
  const check: CheckDefinition = {
    id: `server.jwt.${kind.kind}.${endpoint.key}.aud-near-misses`,
    title: `${endpoint.what} refuses ${kind.token}s addressed to another URL of the same server, a near miss of its own audience, or another server`,
    area: 'jwt',
    requirements: spec.requirements,
    level: 'MUST',
    needs: endpoint.needs,
    async run(t: CheckContext) {
      const probe: TokenProbe<{ aud?: string }> = await endpoint.open(t);
      const { expected, alsoAccepted } = spec.audiences(t);
      const targets = audienceTargets(t, t.client.issuer, expected, alsoAccepted);
      await checkProperty(
        t,
        [audienceNearMisses(targets)],
        async (aud) => {
          const result = await probe.send(await probe.mint({ aud }));
          expectInvalidJwt(
            t,
            result,
            `${probe.what} with ${kind.aToken} whose aud is ${show(aud)} (expected ${show(expected)}${alsoAccepted.length > 0 ? `, or ${alsoAccepted.map(show).join(', ')}` : ''})`,
            'aud must match exactly: §4.3, §4.5 step 3, §4.5.1 step 3, §8.18',
            probe.accepted,
          );
        },
        { numRuns: 12 },
      );
    },
  };
  if (spec.rulings !== undefined) check.rulings = spec.rulings;
  return defineCheck(check);
}

// ---------------------------------------------------------------------------------------------
// Concurrency: one token sent several times at the same instant.

/** Copies of one token sent at once: 2 to 4, shrinking to 2. */
export const concurrentCopies = nearBoundary([2], { below: 0, above: 2 });

/**
 * RUL-JTI-CONCURRENT: a second use of a jti is a replay even when both uses arrive together, so of
 * several copies sent at once exactly one is accepted (the token is valid, so one must be) and
 * every other is refused with 401 invalid_jwt.
 */
function concurrentReplay(
  endpoint: ProbeEndpoint<HostProbe> | ProbeEndpoint<AgentProbe>,
  kind: TokenKind,
): CheckDefinition {
  const host = kind.kind === 'host';
  return defineCheck({
    id: `server.jwt.${kind.kind}.${endpoint.key}.jti-concurrent-replay`,
    title: `${endpoint.what} accepts exactly one of several identical ${kind.token}s sent at the same instant`,
    area: 'jwt',
    requirements: host
      ? ['AAP-4.5.1-STEP7', 'AAP-4.6-03', 'AAP-8.4-01', 'AAP-5.13-ERR.invalid_jwt']
      : ['AAP-4.5-STEP8', 'AAP-4.6-03', 'AAP-8.4-01', 'AAP-5.13-ERR.invalid_jwt'],
    level: 'MUST',
    rulings: host ? ['RUL-JTI-CONCURRENT'] : ['RUL-JTI-CONCURRENT', 'RUL-TOKEN-REFUSAL-CODE'],
    needs: endpoint.needs,
    async run(t: CheckContext) {
      const probe: TokenProbe<unknown> = await endpoint.open(t);
      await checkProperty(
        t,
        [concurrentCopies],
        async (copies) => {
          const token = await probe.mint();
          const results = await Promise.all(Array.from({ length: copies }, () => probe.send(token)));
          const accepted = results.filter((result) => probe.accepted(result));
          const what = `${probe.what} with one ${kind.token} sent ${copies} times at once`;
          if (accepted.length === 0) {
            t.fail(
              `${what}: none was accepted (${results.map(probeAnswer).join('; ')}); the token is valid, so the first to be verified must be`,
            );
          }
          if (accepted.length > 1) {
            t.fail(
              `${what}: ${accepted.length} were accepted (${results.map(probeAnswer).join('; ')}); every use after the first is a replay (§4.6, §8.4, RUL-JTI-CONCURRENT)`,
            );
          }
          for (const result of results.filter((result) => !probe.accepted(result)))
            expectInvalidJwt(t, result, `${what}, a copy that was not accepted`, '§4.6, §8.4', probe.accepted);
        },
        { numRuns: 5 },
      );
    },
  });
}

export const checks: CheckDefinition[] = [
  timeBoundaries(statusEndpoint, HOST_TOKEN),
  timeBoundaries(executeEndpoint, AGENT_TOKEN),
  expiredSkewBoundary(statusEndpoint, HOST_TOKEN),
  expiredSkewBoundary(executeEndpoint, AGENT_TOKEN),
  ...AUDIENCE_ENDPOINTS.map(audienceBoundaries),
  concurrentReplay(statusEndpoint, HOST_TOKEN),
  concurrentReplay(executeEndpoint, AGENT_TOKEN),
];
