import { defineScenario, type Scenario, type Step } from '../../src/client-harness/api.ts';

const AUTO = { approval: { policy: 'auto' as const } };
const TOOLS = ['connect_agent', 'sign_jwt'] as Scenario['tools'];

/** An auto-approved agent granted the simulator's plain capability, and nothing else. */
const CONNECT: Step = {
  call: 'connect_agent',
  as: 'c',
  require: 'ok',
  args: { provider: '${provider}', name: 'conformance sign_jwt', capabilities: ['${cap.sync}'] },
};
const SIGN: Step = { call: 'sign_jwt', as: 's', args: { agent_id: '${agent}' } };

/** A compact JWS: three base64url segments. */
const COMPACT_JWT = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';

/**
 * Any exp timestamp since September 2001 exceeds 10^9 seconds, while no token lifetime comes near
 * it: above this bound expires_in is a point in time, not a number of seconds.
 */
const NOT_A_TIMESTAMP = 1_000_000_000;

const token = defineScenario({
  id: 'client.jwt.sign-jwt-token',
  title: 'sign_jwt returns the signed agent JWT in compact form as token',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-6.5-STEP3', 'AAP-6.5-RESP.token', 'AAP-6.5-FIELD.agent_id'],
  tools: TOOLS,
  knobs: AUTO,
  steps: [CONNECT, SIGN],
  expect: [
    { because: 'sign_jwt for a connected agent (§6.5)', call: 's', ok: true },
    { because: 'the compact signed token (§6.5 step 3)', call: 's', path: 'token', is: { matches: COMPACT_JWT } },
  ],
});

const expiresIn = defineScenario({
  id: 'client.jwt.sign-jwt-expires-in-relative',
  title: "sign_jwt's expires_in is the token's lifetime in seconds, not its exp timestamp",
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-6.5-RESP.expires_in'],
  tools: TOOLS,
  knobs: AUTO,
  steps: [CONNECT, SIGN],
  expect: [
    { because: 'sign_jwt for a connected agent (§6.5)', call: 's', ok: true },
    { because: 'expires_in is a positive lifetime (§6.5)', call: 's', path: 'expires_in', is: { gte: 1 } },
    {
      because: 'expires_in counts seconds from now, exp − iat (§6.5)',
      call: 's',
      path: 'expires_in',
      is: { lte: NOT_A_TIMESTAMP },
    },
  ],
});

const lifetime = defineScenario({
  id: 'client.jwt.sign-jwt-lifetime',
  title: 'Tokens from sign_jwt live at most one minute',
  area: 'jwt',
  level: 'SHOULD',
  requirements: ['AAP-6.5-01'],
  tools: TOOLS,
  knobs: AUTO,
  steps: [CONNECT, SIGN],
  expect: [{ because: 'sign_jwt expires_in (§6.5)', call: 's', path: 'expires_in', is: { lte: 60 } }],
});

const granted = defineScenario({
  id: 'client.jwt.sign-jwt-granted-capabilities',
  title: 'sign_jwt signs a token narrowed to capabilities the agent was granted',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-6.5-FIELD.capabilities', 'AAP-6.5-STEP1'],
  tools: TOOLS,
  knobs: AUTO,
  steps: [CONNECT, { call: 'sign_jwt', as: 's', args: { agent_id: '${agent}', capabilities: ['${cap.sync}'] } }],
  expect: [
    { because: 'sign_jwt restricted to a granted capability (§6.5 step 1)', call: 's', ok: true },
    { because: 'the compact signed token (§6.5 step 3)', call: 's', path: 'token', is: { matches: COMPACT_JWT } },
  ],
});

const ungranted = defineScenario({
  id: 'client.jwt.sign-jwt-ungranted-refused',
  title: 'sign_jwt refuses to sign a token for a capability the agent was not granted',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-6.5-STEP1'],
  tools: TOOLS,
  knobs: AUTO,
  steps: [
    CONNECT,
    // The agent was granted only ${cap.sync}; the simulator's input-taking capability was never asked for.
    { call: 'sign_jwt', as: 's', args: { agent_id: '${agent}', capabilities: ['${cap.withInput}'] } },
  ],
  expect: [{ because: 'sign_jwt for an ungranted capability (§6.5 step 1)', call: 's', ok: false }],
});

const afterDisconnect = defineScenario({
  id: 'client.jwt.sign-jwt-after-disconnect-refused',
  title: 'Once disconnect_agent has deleted the agent, sign_jwt cannot sign for it',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-6.7-STEP3'],
  tools: ['connect_agent', 'disconnect_agent', 'sign_jwt'],
  knobs: AUTO,
  steps: [CONNECT, { call: 'disconnect_agent', as: 'd', args: { agent_id: '${agent}' }, require: 'ok' }, SIGN],
  expect: [{ because: 'sign_jwt after the agent keypair was deleted (§6.7 step 3)', call: 's', ok: false }],
});

/**
 * One token for the default location, one without an audience: the first names the audience asked
 * for, the second the server's issuer. Each is an agent JWT of the agent asked about (§4.3). A client
 * that ignores `aud`, or defaults to anything but the issuer, fails.
 */
const audience = defineScenario({
  id: 'client.jwt.sign-jwt-audience',
  title: 'sign_jwt addresses the token to the aud given, and to the server’s issuer without one',
  area: 'jwt',
  level: 'MUST',
  requirements: ['AAP-6.5-FIELD.aud', 'AAP-6.5-STEP2'],
  tools: TOOLS,
  knobs: AUTO,
  steps: [
    CONNECT,
    { call: 'sign_jwt', as: 'at', args: { agent_id: '${agent}', aud: '${sim.default_location}' } },
    { call: 'sign_jwt', as: 'plain', args: { agent_id: '${agent}' } },
  ],
  expect: [
    { because: 'sign_jwt with an audience (§6.5)', call: 'at', ok: true },
    {
      because: 'the audience asked for (§6.5)',
      call: 'at',
      path: 'token.@jwt.claims.aud',
      is: { eq: '${sim.default_location}' },
    },
    { because: 'sign_jwt without an audience (§6.5)', call: 'plain', ok: true },
    {
      because: 'the issuer by default (§6.5 step 2)',
      call: 'plain',
      path: 'token.@jwt.claims.aud',
      is: { eq: '${sim.issuer}' },
    },
    {
      because: 'an agent JWT (§6.5 step 2, §4.3)',
      call: 'plain',
      path: 'token.@jwt.header.typ',
      is: { eq: 'agent+jwt' },
    },
    {
      because: 'signed as the agent (§6.5 step 2, §4.3)',
      call: 'plain',
      path: 'token.@jwt.claims.sub',
      is: { eq: '${agent}' },
    },
  ],
});

export const scenarios: Scenario[] = [token, expiresIn, lifetime, granted, ungranted, afterDisconnect, audience];
