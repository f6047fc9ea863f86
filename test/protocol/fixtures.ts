/**
 * Hand-made wire-object fixtures, one or more per entry of WIRE_OBJECTS, covering every example shape
 * the spec shows. INVALID_FIXTURES hold spec violations a validator must reject. Discovery names the
 * simulator's endpoint paths, which the harness tests' fake targets serve too.
 */
import { ENDPOINTS } from '../../src/sim/sim-context.ts';

export interface Fixture {
  readonly label: string;
  readonly value: unknown;
}

const ISSUER = 'https://auth.sim.example.test';
const EXECUTE_URL = `${ISSUER}/capability/execute`;
const HOST_THUMBPRINT = 'q3Vt0l9cXb2Rr7mKc4aPzWn1oHjGf8eDsUyTiLxAv6E';
const AGENT_KEY = { kty: 'OKP', crv: 'Ed25519', x: 'Tz9nW4qLr2VbH8cJ0kMpS5dXfA7eYiU3oG1tKzRhN6w' };
const HOST_KEY = { kty: 'OKP', crv: 'Ed25519', x: 'bR5mQ8sTe2Wn0yXk4LpJ7cVa9dHf3GuI1oZtNq6EiAw' };

const balanceInput = {
  type: 'object',
  required: ['account_id'],
  properties: { account_id: { type: 'string' } },
};
const balanceOutput = {
  type: 'object',
  properties: { account_id: { type: 'string' }, balance: { type: 'number' }, currency: { type: 'string' } },
};
const transferInput = {
  type: 'object',
  required: ['amount', 'currency', 'destination_account'],
  properties: { amount: { type: 'number' }, currency: { type: 'string' }, destination_account: { type: 'string' } },
};

const activeBalanceGrant = {
  capability: 'check_balance',
  status: 'active',
  description: 'Read the balance of one account',
  input: balanceInput,
  output: balanceOutput,
};
const activeTransferGrant = {
  capability: 'transfer_money',
  status: 'active',
  granted_by: 'usr_sim_1',
  description: 'Move money to another account',
  constraints: { amount: { min: 1, max: 250 }, currency: { in: ['EUR', 'CHF'] }, destination_account: 'acct_77' },
  input: transferInput,
};
const bareActiveGrant = { capability: 'list_accounts', status: 'active' };
const pendingGrant = { capability: 'transfer_international', status: 'pending' };
const deniedGrant = { capability: 'transfer_international', status: 'denied', reason: 'Needs a manual review first' };

const deviceApproval = {
  method: 'device_authorization',
  verification_uri: `${ISSUER}/approve`,
  verification_uri_complete: `${ISSUER}/approve?code=QWER-7788`,
  user_code: 'QWER-7788',
  expires_in: 600,
  interval: 3,
};
const cibaApproval = {
  method: 'ciba',
  expires_in: 120,
  interval: 2,
  binding_message: 'Allow the sim agent to read balances',
};
const extensionApproval = {
  method: 'push_to_wallet',
  expires_in: 60,
  interval: 1,
  wallet_hint: 'primary',
  notification_url: `${ISSUER}/agent/events/agt_sim_9`,
};

const discovery = {
  version: '1.0-draft',
  provider_name: 'sim-bank',
  description: 'Simulated banking provider',
  issuer: ISSUER,
  default_location: EXECUTE_URL,
  algorithms: ['Ed25519'],
  modes: ['delegated', 'autonomous'],
  approval_methods: ['device_authorization', 'ciba'],
  endpoints: ENDPOINTS,
  jwks_uri: `${ISSUER}/.well-known/jwks.json`,
};
const minimalDiscovery = {
  version: '2.3',
  provider_name: 'tiny',
  description: 'Smallest valid configuration',
  issuer: 'https://tiny.example.test',
  algorithms: ['Ed25519'],
  modes: ['autonomous'],
  approval_methods: ['device_authorization', 'magic_link'],
  endpoints: { register: '/r' },
  future_field: { anything: true },
};

const agentView = {
  agent_id: 'agt_sim_9',
  host_id: 'hst_sim_2',
  name: 'Statement helper',
  mode: 'delegated',
  created_at: '2030-04-01T08:00:00Z',
};

const errorObject = { error: 'internal_error', message: 'The report backend failed' };

export const VALID_FIXTURES: Readonly<Record<string, readonly Fixture[]>> = {
  'agent-mode': [
    { label: 'delegated', value: 'delegated' },
    { label: 'autonomous', value: 'autonomous' },
  ],
  'agent-status': ['pending', 'active', 'expired', 'revoked', 'rejected', 'claimed'].map((value) => ({
    label: value,
    value,
  })),
  'host-status': ['active', 'pending', 'revoked', 'rejected'].map((value) => ({ label: value, value })),
  'grant-status': ['active', 'pending', 'denied'].map((value) => ({ label: value, value })),
  'capability-summary': [
    { label: 'unauthenticated', value: { name: 'list_accounts', description: 'List accounts' } },
    {
      label: 'with grant status',
      value: { name: 'check_balance', description: 'Read a balance', grant_status: 'not_granted' },
    },
  ],
  capability: [
    {
      label: 'with input, output and location',
      value: {
        name: 'check_balance',
        description: 'Read the balance of one account',
        location: 'https://api.sim.example.test/run',
        input: balanceInput,
        output: balanceOutput,
        grant_status: 'granted',
      },
    },
    {
      label: 'without input',
      value: {
        name: 'list_accounts',
        description: 'List accounts of the linked user',
        output: { type: 'array', items: { type: 'object', properties: { account_id: { type: 'string' } } } },
      },
    },
  ],
  'constraint-value': [
    { label: 'exact string', value: 'acct_77' },
    { label: 'exact number', value: 42 },
    { label: 'range', value: { min: 0, max: 10 } },
    { label: 'membership', value: { in: ['EUR'], not_in: ['XAU'] } },
  ],
  constraints: [
    { label: 'mixed', value: activeTransferGrant.constraints },
    { label: 'empty', value: {} },
  ],
  'ed25519-public-jwk': [
    { label: 'minimal', value: AGENT_KEY },
    { label: 'with kid', value: { ...HOST_KEY, kid: 'host-key-1', alg: 'EdDSA', use: 'sig' } },
  ],
  'public-jwk': [
    { label: 'ed25519', value: AGENT_KEY },
    { label: 'ec key (well-formed, unsupported)', value: { kty: 'EC', crv: 'P-256', x: 'f83O', y: 'x_FE' } },
  ],
  jwks: [{ label: 'one key', value: { keys: [{ ...AGENT_KEY, kid: 'agent-key-1' }] } }],
  'host-jwt-header': [
    { label: 'inline key', value: { alg: 'EdDSA', typ: 'host+jwt' } },
    { label: 'jwks key', value: { alg: 'EdDSA', typ: 'host+jwt', kid: 'host-key-1' } },
  ],
  'host-jwt-claims': [
    {
      label: 'inline host key, no agent key',
      value: {
        iss: HOST_THUMBPRINT,
        aud: ISSUER,
        iat: 1900000000,
        exp: 1900000060,
        jti: 'hj-1',
        host_public_key: HOST_KEY,
      },
    },
    {
      label: 'jwks host key',
      value: {
        iss: HOST_THUMBPRINT,
        aud: ISSUER,
        iat: 1900000000,
        exp: 1900000060,
        jti: 'hj-2',
        host_jwks_url: 'https://host.example.test/jwks.json',
      },
    },
  ],
  'host-jwt-registration-claims': [
    {
      label: 'inline host and agent keys',
      value: {
        iss: HOST_THUMBPRINT,
        aud: ISSUER,
        iat: 1900000000,
        exp: 1900000060,
        jti: 'hj-3',
        host_public_key: HOST_KEY,
        agent_public_key: AGENT_KEY,
      },
    },
    {
      label: 'agent key by jwks url with kid',
      value: {
        iss: HOST_THUMBPRINT,
        aud: ISSUER,
        iat: 1900000000,
        exp: 1900000060,
        jti: 'hj-4',
        host_public_key: HOST_KEY,
        agent_jwks_url: 'https://agents.example.test/jwks.json',
        agent_kid: 'agent-key-1',
      },
    },
  ],
  'agent-jwt-header': [{ label: 'plain', value: { alg: 'EdDSA', typ: 'agent+jwt' } }],
  'agent-jwt-claims': [
    {
      label: 'execution at default location',
      value: {
        iss: HOST_THUMBPRINT,
        sub: 'agt_sim_9',
        aud: EXECUTE_URL,
        iat: 1900000000,
        exp: 1900000030,
        jti: 'aj-1',
      },
    },
    {
      label: 'restricted to capabilities, with cnf',
      value: {
        iss: HOST_THUMBPRINT,
        sub: 'agt_sim_9',
        aud: 'https://api.sim.example.test/run',
        iat: 1900000000,
        exp: 1900000030,
        jti: 'aj-2',
        capabilities: ['check_balance'],
        cnf: { jkt: 'dpop-thumbprint' },
      },
    },
  ],
  'discovery-document': [
    { label: 'full', value: discovery },
    { label: 'minimal with unknown member', value: minimalDiscovery },
  ],
  'capability-list-query': [
    { label: 'empty', value: {} },
    { label: 'all parameters', value: { query: 'balance', cursor: 'c2', limit: '25' } },
  ],
  'capability-list-response': [
    {
      label: 'with grant status',
      value: {
        capabilities: [
          { name: 'check_balance', description: 'Read a balance', grant_status: 'granted' },
          { name: 'transfer_international', description: 'Wire abroad', grant_status: 'not_granted' },
        ],
      },
    },
    {
      label: 'without grant status, paginated',
      value: {
        capabilities: [{ name: 'list_accounts', description: 'List accounts' }],
        next_cursor: 'page-2',
        has_more: true,
      },
    },
    { label: 'last page', value: { capabilities: [], next_cursor: null, has_more: false } },
  ],
  'describe-capability-query': [{ label: 'name', value: { name: 'check_balance' } }],
  'capability-request-item': [
    { label: 'bare name', value: 'check_balance' },
    { label: 'with constraints', value: { name: 'transfer_money', constraints: { amount: { max: 100 } } } },
  ],
  'register-request': [
    {
      label: 'full',
      value: {
        name: 'Statement helper',
        host_name: 'build-box-3',
        capabilities: ['check_balance', { name: 'transfer_money', constraints: { currency: { in: ['EUR'] } } }],
        mode: 'delegated',
        reason: 'Reconcile this month',
        preferred_method: 'ciba',
        login_hint: 'sam@example.test',
        binding_message: 'Approve the statement helper',
      },
    },
    { label: 'minimal', value: { name: 'Nightly job' } },
  ],
  'register-response': [
    {
      label: 'active (auto-approved)',
      value: { ...agentView, status: 'active', agent_capability_grants: [activeBalanceGrant, activeTransferGrant] },
    },
    {
      label: 'pending, device authorization',
      value: {
        ...agentView,
        status: 'pending',
        agent_capability_grants: [{ capability: 'check_balance', status: 'pending' }, pendingGrant],
        approval: deviceApproval,
      },
    },
    {
      label: 'pending, ciba',
      value: { ...agentView, status: 'pending', agent_capability_grants: [pendingGrant], approval: cibaApproval },
    },
    {
      label: 'partial approval',
      value: { ...agentView, status: 'active', agent_capability_grants: [bareActiveGrant, deniedGrant] },
    },
    {
      label: 'fully denied, still active',
      value: { ...agentView, mode: 'autonomous', status: 'active', agent_capability_grants: [] },
    },
  ],
  'active-grant': [
    { label: 'with details', value: activeBalanceGrant },
    { label: 'constrained', value: activeTransferGrant },
    { label: 'bare', value: bareActiveGrant },
  ],
  'pending-grant': [
    { label: 'plain', value: pendingGrant },
    { label: 'with request reason', value: { ...pendingGrant, reason: 'Quarterly wire' } },
  ],
  'denied-grant': [
    { label: 'with reason', value: deniedGrant },
    { label: 'without reason', value: { capability: 'transfer_money', status: 'denied' } },
    {
      label: 'null reason',
      value: { capability: 'transfer_money', status: 'denied', reason: null, denied_by: 'usr_sim_1' },
    },
  ],
  grant: [
    { label: 'active', value: activeTransferGrant },
    { label: 'pending', value: pendingGrant },
    { label: 'denied', value: deniedGrant },
  ],
  'request-capability-request': [
    {
      label: 'constrained with hints',
      value: {
        capabilities: [{ name: 'transfer_international', constraints: { amount: { max: 900 } } }],
        reason: 'Pay a supplier abroad',
        preferred_method: 'device_authorization',
        login_hint: 'sam@example.test',
        binding_message: 'Approve wires',
      },
    },
    { label: 'bare name', value: { capabilities: ['list_accounts'] } },
  ],
  'request-capability-response': [
    {
      label: 'active',
      value: { agent_id: 'agt_sim_9', agent_capability_grants: [activeBalanceGrant] },
    },
    {
      label: 'pending',
      value: { agent_id: 'agt_sim_9', agent_capability_grants: [pendingGrant], approval: deviceApproval },
    },
    { label: 'denied', value: { agent_id: 'agt_sim_9', agent_capability_grants: [deniedGrant] } },
  ],
  'status-query': [{ label: 'agent id', value: { agent_id: 'agt_sim_9' } }],
  'status-response': [
    {
      label: 'active with history',
      value: {
        ...agentView,
        status: 'active',
        agent_capability_grants: [activeBalanceGrant, activeTransferGrant, deniedGrant],
        user_id: 'usr_sim_1',
        activated_at: '2030-04-01T08:00:05Z',
        last_used_at: '2030-04-01T09:12:44.250Z',
        expires_at: '2030-04-01T09:42:44+02:00',
      },
    },
    {
      label: 'autonomous with null fields',
      value: {
        ...agentView,
        mode: 'autonomous',
        status: 'expired',
        agent_capability_grants: [],
        user_id: null,
        activated_at: null,
        last_used_at: null,
        expires_at: null,
      },
    },
  ],
  'reactivate-request': [{ label: 'agent id', value: { agent_id: 'agt_sim_9' } }],
  'reactivate-response': [
    {
      label: 'active',
      value: {
        ...agentView,
        status: 'active',
        agent_capability_grants: [activeBalanceGrant],
        activated_at: '2030-04-02T08:00:00Z',
        expires_at: '2030-04-02T08:30:00Z',
      },
    },
    {
      label: 'pending',
      value: {
        ...agentView,
        status: 'pending',
        agent_capability_grants: [{ capability: 'check_balance', status: 'pending' }],
        approval: deviceApproval,
      },
    },
  ],
  'revoke-request': [{ label: 'agent id', value: { agent_id: 'agt_sim_9' } }],
  'revoke-response': [{ label: 'revoked', value: { agent_id: 'agt_sim_9', status: 'revoked' } }],
  'rotate-agent-key-request': [{ label: 'new key', value: { agent_id: 'agt_sim_9', public_key: AGENT_KEY } }],
  'rotate-agent-key-response': [{ label: 'active', value: { agent_id: 'agt_sim_9', status: 'active' } }],
  'rotate-host-key-request': [{ label: 'new key', value: { public_key: HOST_KEY } }],
  'rotate-host-key-response': [{ label: 'active', value: { host_id: 'hst_sim_2', status: 'active' } }],
  'revoke-host-response': [
    { label: 'cascade', value: { host_id: 'hst_sim_2', status: 'revoked', agents_revoked: 2 } },
    { label: 'no agents', value: { host_id: 'hst_sim_3', status: 'revoked', agents_revoked: 0 } },
  ],
  'execute-request': [
    { label: 'with arguments', value: { capability: 'check_balance', arguments: { account_id: 'acct_12' } } },
    { label: 'without arguments', value: { capability: 'list_accounts' } },
  ],
  'execute-sync-response': [
    { label: 'object data', value: { data: { account_id: 'acct_12', balance: 17.5, currency: 'EUR' } } },
    { label: 'null data', value: { data: null } },
  ],
  'execute-async-pending': [{ label: 'pending', value: { status: 'pending', status_url: `${ISSUER}/jobs/j_1` } }],
  'execute-async-completed': [{ label: 'completed', value: { status: 'completed', result: { rows: 3 } } }],
  'execute-async-failed': [{ label: 'failed', value: { status: 'failed', error: errorObject } }],
  'execute-async-response': [
    { label: 'pending', value: { status: 'pending', status_url: `${ISSUER}/jobs/j_1` } },
    { label: 'completed', value: { status: 'completed', result: [1, 2] } },
    { label: 'failed', value: { status: 'failed', error: errorObject } },
  ],
  'execute-response': [
    { label: 'sync', value: { data: ['acct_12', 'acct_13'] } },
    { label: 'async pending', value: { status: 'pending', status_url: `${ISSUER}/jobs/j_2` } },
    { label: 'async completed', value: { status: 'completed', result: 'done' } },
    { label: 'async failed', value: { status: 'failed', error: errorObject } },
  ],
  'sse-event-name': ['data', 'error', 'done'].map((value) => ({ label: value, value })),
  'introspect-request': [{ label: 'token', value: { token: 'eyJ0eXAiOiJhZ2VudCtqd3QifQ.e30.c2ln' } }],
  'introspect-active-response': [
    {
      label: 'delegated',
      value: {
        active: true,
        agent_id: 'agt_sim_9',
        host_id: 'hst_sim_2',
        user_id: 'usr_sim_1',
        agent_capability_grants: [bareActiveGrant, { capability: 'check_balance', status: 'active' }],
        mode: 'delegated',
        expires_at: '2030-04-01T09:42:44Z',
      },
    },
    {
      label: 'autonomous',
      value: { active: true, agent_id: 'agt_a', host_id: 'hst_a', agent_capability_grants: [], mode: 'autonomous' },
    },
  ],
  'introspect-inactive-response': [{ label: 'inactive', value: { active: false } }],
  'introspect-response': [
    { label: 'inactive', value: { active: false } },
    {
      label: 'active',
      value: {
        active: true,
        agent_id: 'agt_a',
        host_id: 'hst_a',
        agent_capability_grants: [bareActiveGrant],
        mode: 'delegated',
      },
    },
  ],
  'compact-grant': [
    { label: 'active', value: bareActiveGrant },
    { label: 'pending', value: pendingGrant },
  ],
  'error-response': [
    { label: 'plain', value: { error: 'agent_not_found', message: 'No such agent' } },
    {
      label: 'constraint_violated with violations',
      value: {
        error: 'constraint_violated',
        message: 'Arguments exceed the grant',
        violations: [
          { field: 'amount', constraint: { max: 250 }, actual: 900 },
          { field: 'destination_account', constraint: 'acct_77', actual: 'acct_99' },
        ],
      },
    },
    {
      label: 'invalid_capabilities',
      value: { error: 'invalid_capabilities', message: 'Unknown names', invalid_capabilities: ['fly_drone'] },
    },
    {
      label: 'unknown_constraint_operator',
      value: { error: 'unknown_constraint_operator', message: 'Operator not supported', unknown_operators: ['regex'] },
    },
    { label: 'approval code', value: { error: 'authorization_pending', message: 'Still waiting' } },
  ],
  'agent-auth-challenge-params': [
    { label: 'discovery', value: { discovery: `${ISSUER}/.well-known/agent-configuration` } },
  ],
  'sign-jwt-input': [
    { label: 'minimal', value: { agent_id: 'agt_sim_9' } },
    { label: 'full', value: { agent_id: 'agt_sim_9', aud: EXECUTE_URL, capabilities: ['check_balance'] } },
  ],
  'sign-jwt-result': [{ label: 'token', value: { token: 'eyJ0eXAiOiJhZ2VudCtqd3QifQ.e30.c2ln', expires_in: 30 } }],
  'directory-search-query': [
    { label: 'intent', value: { intent: 'pay invoices' } },
    { label: 'with limit', value: { intent: 'pay invoices', limit: '3' } },
  ],
  'directory-search-response': [
    { label: 'two providers', value: { providers: [discovery, minimalDiscovery], intent: 'banking', count: 2 } },
    { label: 'no match', value: { providers: [], intent: 'teleport', count: 0 } },
  ],
  approval: [
    { label: 'device authorization', value: deviceApproval },
    { label: 'ciba', value: cibaApproval },
    { label: 'extension method', value: extensionApproval },
  ],
  'device-authorization-approval': [
    { label: 'full', value: deviceApproval },
    {
      label: 'minimal with notification url',
      value: {
        method: 'device_authorization',
        verification_uri: `${ISSUER}/approve`,
        user_code: 'ZZ-1',
        expires_in: 300,
        interval: 5,
        notification_url: `${ISSUER}/agent/events/agt_sim_9`,
      },
    },
  ],
  'ciba-approval': [
    { label: 'with binding message', value: cibaApproval },
    { label: 'minimal', value: { method: 'ciba', expires_in: 30, interval: 1 } },
  ],
  'extension-approval': [{ label: 'custom method', value: extensionApproval }],
};

const without = (value: Record<string, unknown>, key: string) => {
  const copy = { ...value };
  delete copy[key];
  return copy;
};

/** Spec violations: each must be rejected by both the zod model and the generated JSON Schema. */
export const INVALID_FIXTURES: Readonly<Record<string, readonly Fixture[]>> = {
  'discovery-document': [
    { label: 'unknown mode', value: { ...discovery, modes: ['impersonation'] } },
    { label: 'version without minor', value: { ...discovery, version: '1' } },
    { label: 'relative issuer', value: { ...discovery, issuer: '/auth' } },
  ],
  capability: [{ label: 'bad grant_status', value: { name: 'x', description: 'y', grant_status: 'maybe' } }],
  'constraint-value': [{ label: 'max is not a number', value: { max: '10' } }],
  'capability-request-item': [{ label: 'object without name', value: { constraints: {} } }],
  'register-response': [
    {
      label: 'pending without approval',
      value: { ...agentView, status: 'pending', agent_capability_grants: [pendingGrant] },
    },
    {
      label: 'expired is not a registration outcome',
      value: { ...agentView, status: 'expired', agent_capability_grants: [] },
    },
    { label: 'grants missing', value: { ...agentView, status: 'active' } },
  ],
  'pending-grant': [
    { label: 'pending with capability details', value: { ...pendingGrant, description: 'Wire abroad' } },
  ],
  'denied-grant': [{ label: 'denied with input schema', value: { ...deniedGrant, input: transferInput } }],
  grant: [{ label: 'unknown grant status', value: { capability: 'x', status: 'granted' } }],
  'compact-grant': [
    { label: 'compact grant with constraints', value: { ...bareActiveGrant, constraints: { amount: 1 } } },
  ],
  'request-capability-request': [{ label: 'empty capability list', value: { capabilities: [] } }],
  'request-capability-response': [
    {
      label: 'pending grant without approval',
      value: { agent_id: 'agt_sim_9', agent_capability_grants: [pendingGrant] },
    },
  ],
  'status-response': [
    {
      label: 'timestamp without zone',
      value: { ...agentView, status: 'active', agent_capability_grants: [], created_at: '2030-04-01T08:00:00' },
    },
  ],
  'reactivate-response': [
    {
      label: 'active without activated_at',
      value: { ...agentView, status: 'active', agent_capability_grants: [], expires_at: '2030-04-02T08:30:00Z' },
    },
    { label: 'pending without approval', value: { ...agentView, status: 'pending', agent_capability_grants: [] } },
  ],
  'revoke-response': [{ label: 'status not revoked', value: { agent_id: 'agt_sim_9', status: 'active' } }],
  'revoke-host-response': [{ label: 'negative count', value: { host_id: 'h', status: 'revoked', agents_revoked: -1 } }],
  'execute-sync-response': [
    { label: 'data with status', value: { data: 1, status: 'completed' } },
    { label: 'data with result', value: { data: 1, result: 1 } },
  ],
  'execute-async-pending': [
    { label: 'pending without status_url', value: { status: 'pending' } },
    { label: 'pending with data', value: { status: 'pending', status_url: `${ISSUER}/jobs/j_1`, data: 1 } },
  ],
  'execute-async-completed': [
    { label: 'completed with status_url', value: { status: 'completed', result: 1, status_url: `${ISSUER}/jobs/j_1` } },
    { label: 'completed with error', value: { status: 'completed', result: 1, error: errorObject } },
  ],
  'execute-async-failed': [
    { label: 'failed with result', value: { status: 'failed', error: errorObject, result: 1 } },
    { label: 'failed without error', value: { status: 'failed' } },
  ],
  'execute-response': [
    { label: 'empty', value: {} },
    { label: 'sync mixed with async', value: { data: 1, status: 'pending', status_url: `${ISSUER}/jobs/j_1` } },
    { label: 'unknown async status', value: { status: 'running', status_url: `${ISSUER}/jobs/j_1` } },
  ],
  'introspect-inactive-response': [
    { label: 'inactive leaking agent_id', value: { active: false, agent_id: 'agt_sim_9' } },
  ],
  'introspect-response': [
    {
      label: 'active without agent_id',
      value: { active: true, host_id: 'h', agent_capability_grants: [], mode: 'delegated' },
    },
  ],
  'error-response': [
    { label: 'missing message', value: { error: 'invalid_request' } },
    { label: 'code not snake_case', value: { error: 'Invalid-Request', message: 'x' } },
  ],
  'ed25519-public-jwk': [
    { label: 'carries private key', value: { ...AGENT_KEY, d: 'secret' } },
    { label: 'wrong curve', value: { ...AGENT_KEY, crv: 'X25519' } },
    { label: 'short x', value: { ...AGENT_KEY, x: 'abc' } },
  ],
  'public-jwk': [{ label: 'symmetric key material', value: { kty: 'oct', k: 'c2VjcmV0' } }],
  'host-jwt-header': [{ label: 'agent typ', value: { alg: 'EdDSA', typ: 'agent+jwt' } }],
  'agent-jwt-header': [
    { label: 'host typ', value: { alg: 'EdDSA', typ: 'host+jwt' } },
    { label: 'alg none', value: { alg: 'none', typ: 'agent+jwt' } },
  ],
  'host-jwt-claims': [
    {
      label: 'no host key',
      value: { iss: HOST_THUMBPRINT, aud: ISSUER, iat: 1900000000, exp: 1900000060, jti: 'hj-5' },
    },
    {
      label: 'agent jwks url without agent_kid',
      value: {
        iss: HOST_THUMBPRINT,
        aud: ISSUER,
        iat: 1900000000,
        exp: 1900000060,
        jti: 'hj-6',
        host_public_key: HOST_KEY,
        agent_jwks_url: 'https://agents.example.test/jwks.json',
      },
    },
  ],
  'host-jwt-registration-claims': [
    {
      label: 'registration without agent key',
      value: {
        iss: HOST_THUMBPRINT,
        aud: ISSUER,
        iat: 1900000000,
        exp: 1900000060,
        jti: 'hj-7',
        host_public_key: HOST_KEY,
      },
    },
  ],
  'agent-jwt-claims': [
    {
      label: 'capabilities not an array',
      value: { iss: 'i', sub: 's', aud: 'a', iat: 1, exp: 2, jti: 'j', capabilities: 'all' },
    },
  ],
  approval: [
    { label: 'device authorization without user_code', value: without(deviceApproval, 'user_code') },
    { label: 'ciba without interval', value: without(cibaApproval, 'interval') },
  ],
  'extension-approval': [{ label: 'core method name', value: { ...extensionApproval, method: 'ciba' } }],
  'directory-search-response': [
    { label: 'provider is not a discovery document', value: { providers: [{}], intent: 'x', count: 1 } },
  ],
};
