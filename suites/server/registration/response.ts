import {
  ActiveGrantSchema,
  defineCheck,
  PendingGrantSchema,
  RegisterActiveResponseSchema,
  RegisterResponseSchema,
  type CheckContext,
} from '../../../src/harness/api.ts';
import { awaitGrantStatus, describeGrants, grantFor, grantsOf } from '../_shared/grants.ts';
import { activeAgent, registerPending } from '../_shared/registration.ts';
import { expectApproval, expectShape } from '../_shared/shape.ts';
import { HOST_DEFAULTS_NEEDS, registerUnderHostDefaults } from './fixtures.ts';

const pendingResponseShape = defineCheck({
  id: 'server.registration.pending-response-shape',
  title: 'A pending registration answer has every §5.3 field and an approval object',
  area: 'registration',
  requirements: [
    'AAP-5.3-01',
    'AAP-5.3-RESP.agent_id',
    'AAP-5.3-RESP.host_id',
    'AAP-5.3-RESP.name',
    'AAP-5.3-RESP.mode',
    'AAP-5.3-RESP.status',
    'AAP-5.3-RESP.agent_capability_grants',
    'AAP-5.3-RESP.approval',
  ],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const name = `conformance shape probe ${t.seed}`;
    const { result } = await registerPending(t, { name, capabilities: [sync] });
    const body = t.expectJson(result, RegisterResponseSchema, 'pending registration answer (§5.3)');
    if (body.name !== name)
      t.note(`the server renamed the agent "${body.name}" (requested "${name}"), which §5.3 allows`);
    t.expect(
      grantsOf(body).some((grant) => grant.capability === sync),
      `the registration answer has no grant for the requested "${sync}": ${describeGrants(body)} (§5.3)`,
    );
  },
});

const approvalObject = defineCheck({
  id: 'server.registration.approval-object',
  title: "A pending registration's approval object has the fields of its method",
  area: 'registration',
  requirements: [
    'AAP-5.3-RESP.approval',
    'AAP-7-APPROVAL.method',
    'AAP-7-APPROVAL.verification_uri',
    'AAP-7-APPROVAL.user_code',
    'AAP-7-APPROVAL.expires_in',
    'AAP-7-APPROVAL.interval',
    'AAP-7-APPROVAL.verification_uri_complete',
    'AAP-7-APPROVAL.notification_url',
    'AAP-7.1-STEP1',
    'AAP-7.5-03',
    'AAP-5.3-FIELD.preferred_method',
  ],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const preferred = t.discovery.approval_methods.includes('device_authorization')
      ? { preferred_method: 'device_authorization' }
      : {};
    const { result } = await registerPending(t, { capabilities: [sync], ...preferred });
    const approval = expectApproval(t, result.json?.approval, 'approval object of the pending registration');
    t.expect(
      t.discovery.approval_methods.includes(approval.method),
      `the approval method "${approval.method}" is not among the advertised approval_methods ${JSON.stringify(t.discovery.approval_methods)} (§5.1, §7.5)`,
    );
    t.note(`the server chose approval method "${approval.method}"`);
  },
});

const pendingGrantsMinimal = defineCheck({
  id: 'server.registration.pending-grants-minimal',
  title: 'Pending grants carry no capability details (description, input, output)',
  area: 'registration',
  requirements: ['AAP-5.3-19', 'AAP-5.3-15'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const requested = [t.capability('sync')];
    const constrainable = t.profile.constrainable;
    const items =
      constrainable === undefined
        ? requested
        : [...requested, { name: constrainable.name, constraints: { [constrainable.numericField]: { max: 1 } } }];
    const { result } = await registerPending(t, { capabilities: items });
    const pending = grantsOf(result.json).filter((grant) => grant.status === 'pending');
    t.expect(
      pending.length > 0,
      `the pending registration answer holds no pending grant: ${describeGrants(result.json)} (§5.3)`,
    );
    for (const grant of pending) {
      expectShape(
        t,
        grant,
        PendingGrantSchema,
        `pending grant ${String(grant.capability)}: pending grants hold capability and status, no capability details (§5.3)`,
      );
      const extra = Object.keys(grant).filter((key) => key !== 'capability' && key !== 'status');
      if (extra.length > 0) t.note(`pending grant ${String(grant.capability)} also carries ${extra.join(', ')}`);
    }
  },
});

const activeGrantsDetailed = defineCheck({
  id: 'server.registration.active-grants-detailed',
  title: "An approved agent's active grants carry the capability's description and input schema",
  area: 'registration',
  requirements: ['AAP-5.3-15', 'AAP-5.3-16', 'AAP-5.5-RESP.agent_capability_grants'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { control: 'approve' }, { capability: 'with-input' }],
  async run(t: CheckContext) {
    const name = t.capability('with-input');
    const agent = await activeAgent(t, { capabilities: [name] });
    const status = await awaitGrantStatus(t, agent, name, ['active']);
    t.expectStatus(status, 200, 'agent status');
    const grant = grantFor(status.json, name);
    t.expect(
      grant?.status === 'active',
      `precondition: after approval the status shows ${describeGrants(status.json)}, no active "${name}"`,
    );
    const active = expectShape(t, grant, ActiveGrantSchema, `active grant ${name} (§5.3)`);
    t.expect(
      typeof active.description === 'string',
      `active grant ${name} has no description; active grants carry the capability's details (§5.3)`,
    );
    t.expect(
      active.input !== undefined,
      `active grant ${name} has no input schema, though the capability takes arguments (§5.3)`,
    );
  },
});

const autoApprovedResponse = defineCheck({
  id: 'server.registration.auto-approved-response',
  title: 'An auto-approved registration answers active with detailed active grants',
  area: 'registration',
  requirements: [
    'AAP-5.3-RESP.status',
    'AAP-5.3-RESP.agent_capability_grants',
    'AAP-5.3-15',
    'AAP-5.3-16',
    'AAP-2.11-01',
    'AAP-2.11-STATE.active',
  ],
  level: 'MUST',
  needs: HOST_DEFAULTS_NEEDS,
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const result = await registerUnderHostDefaults(t, sync, [sync]);
    if (result.json?.status !== 'active') {
      t.skip(
        `the server did not auto-approve "${sync}" for a linked host that has it as a default (status ${JSON.stringify(result.json?.status)}), which it may`,
      );
    }
    const body = t.expectJson(result, RegisterActiveResponseSchema, 'auto-approved registration answer (§5.3)');
    const grant = grantFor(body, sync);
    t.expect(
      grant?.status === 'active',
      `the active registration answer shows ${describeGrants(body)}, no active "${sync}" (§5.3)`,
    );
    const active = expectShape(t, grant, ActiveGrantSchema, `active grant ${sync} (§5.3)`);
    t.expect(
      typeof active.description === 'string',
      `active grant ${sync} has no description; active grants carry the capability's details (§5.3)`,
    );
  },
});

const pendingGrantsApproval = defineCheck({
  id: 'server.registration.pending-grants-approval',
  title: 'An active registration with grants still pending carries an approval object',
  area: 'registration',
  requirements: ['AAP-5.3-RESP.approval'],
  level: 'SHOULD',
  rulings: ['RUL-PENDING-GRANTS-APPROVAL'],
  needs: [...HOST_DEFAULTS_NEEDS, { capability: 'high-risk' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const highRisk = t.capability('high-risk');
    const result = await registerUnderHostDefaults(t, sync, [sync, highRisk]);
    const pending = grantsOf(result.json).filter((grant) => grant.status === 'pending');
    if (result.json?.status !== 'active' || pending.length === 0) {
      t.skip(
        `the registration answered status ${JSON.stringify(result.json?.status)} with grants ${describeGrants(result.json)}: no active agent with pending grants`,
      );
    }
    expectApproval(
      t,
      result.json?.approval,
      `active registration with pending grants ${describeGrants(result.json)} (RUL-PENDING-GRANTS-APPROVAL)`,
    );
  },
});

export const checks = [
  pendingResponseShape,
  approvalObject,
  pendingGrantsMinimal,
  activeGrantsDetailed,
  autoApprovedResponse,
  pendingGrantsApproval,
];
