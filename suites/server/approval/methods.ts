import { defineCheck, isAbsoluteHttpUrl, responseJson, type CheckContext } from '../../../src/harness/api.ts';
import { describeGrants, grantFor } from '../_shared/grants.ts';
import { activeAgent, fixtureMode } from '../_shared/registration.ts';
import { expectApproval } from '../_shared/shape.ts';

/** Approval methods (§7.5) and the approval-object extensions of §10.10. */

/** At most this many advertised methods are tried as preferred_method, one fresh host each. */
const MAX_PREFERENCES = 4;

interface SeenApproval {
  /** The request that answered it. */
  where: string;
  approval: Record<string, unknown>;
}

/** Every approval object the server answered in this check so far (operator control answers aside). */
function approvalsSeen(t: CheckContext): SeenApproval[] {
  return t.exchanges.flatMap((exchange) => {
    if (exchange.label?.startsWith('control') || exchange.response === undefined) return [];
    const approval: unknown = (responseJson(exchange) as { approval?: unknown } | undefined)?.approval;
    if (typeof approval !== 'object' || approval === null || Array.isArray(approval)) return [];
    return [
      {
        where: `${exchange.label ?? exchange.request.method} (${exchange.request.url})`,
        approval: approval as Record<string, unknown>,
      },
    ];
  });
}

/**
 * Starts approval flows the server answers with approval objects: a registration by a new host without
 * a preference and one per advertised method as preferred_method, plus a capability request for the
 * high-risk capability when an active agent can be had. Refusals are not judged here.
 */
async function startApprovalFlows(t: CheckContext): Promise<SeenApproval[]> {
  const sync = t.capability('sync');
  const preferences = [undefined, ...t.discovery.approval_methods.slice(0, MAX_PREFERENCES)];
  for (const preferred of preferences) {
    const host = await t.client.newHost();
    await t.client.register(host, {
      mode: fixtureMode(t),
      capabilities: [sync],
      ...(preferred !== undefined && { preferred_method: preferred }),
    });
  }
  const highRisk = t.profile.highRisk;
  if (
    highRisk !== undefined &&
    t.control?.supports('approve') &&
    t.client.target.endpoints['request_capability'] !== undefined
  ) {
    const agent = await activeAgent(t, { capabilities: [sync] });
    await t.client.requestCapability(agent, [highRisk], { reason: 'conformance: approval method probe' });
  }
  return approvalsSeen(t);
}

const methodsAdvertised = defineCheck({
  id: 'server.approval.methods-advertised',
  title: 'Every approval object names a method that discovery lists in approval_methods',
  area: 'approval',
  requirements: ['AAP-10.10.3-01'],
  level: 'MUST',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const seen = await startApprovalFlows(t);
    if (seen.length === 0) t.skip('no answer carried an approval object (no registration was left pending)');
    const advertised = t.discovery.approval_methods;
    const offenders = seen.filter(
      ({ approval }) => typeof approval.method !== 'string' || !advertised.includes(approval.method),
    );
    t.expect(
      offenders.length === 0,
      `approval objects with a method discovery does not advertise in approval_methods ${JSON.stringify(advertised)}: ${offenders
        .map(({ where, approval }) => `${JSON.stringify(approval.method)} from ${where}`)
        .join('; ')} (§5.1, §7.5, §10.10.3)`,
    );
    const methods = [...new Set(seen.map(({ approval }) => String(approval.method)))];
    t.note(`approval methods seen in ${seen.length} approval object(s): ${methods.join(', ')}`);
  },
});

const notificationUrl = defineCheck({
  id: 'server.approval.notification-url',
  title: 'An approval object that carries notification_url gives an absolute http(s) URL',
  area: 'approval',
  requirements: ['AAP-10.10.2-APPROVAL.notification_url'],
  level: 'MAY',
  needs: [{ endpoint: 'register' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const seen = await startApprovalFlows(t);
    const carrying = seen.filter(
      ({ approval }) => approval.notification_url !== undefined && approval.notification_url !== null,
    );
    // Without the optional §10.10.2 profile there is nothing to judge, and clients poll status instead.
    if (carrying.length === 0) {
      t.note(
        `none of the ${seen.length} approval object(s) seen carries notification_url (the §10.10.2 profile is not used)`,
      );
      return;
    }
    const malformed = carrying.filter(
      ({ approval }) => typeof approval.notification_url !== 'string' || !isAbsoluteHttpUrl(approval.notification_url),
    );
    t.expect(
      malformed.length === 0,
      `notification_url is not an absolute http(s) URL: ${malformed.map(({ where, approval }) => `${JSON.stringify(approval.notification_url)} from ${where}`).join('; ')} (§10.10.2: an SSE endpoint)`,
    );
  },
});

const requestCapabilityPreferredMethod = defineCheck({
  id: 'server.approval.request-capability-preferred-method',
  title: 'A capability request with preferred_method is accepted and answered with an advertised approval method',
  area: 'approval',
  requirements: ['AAP-5.4-FIELD.preferred_method'],
  level: 'MAY',
  needs: [
    { endpoint: 'request_capability' },
    { control: 'approve' },
    { capability: 'sync' },
    { capability: 'high-risk' },
  ],
  async run(t: CheckContext) {
    const highRisk = t.capability('high-risk');
    const advertised = t.discovery.approval_methods;
    // A method other than the baseline makes the hint meaningful, when the server offers one.
    const preferred =
      advertised.find((method) => method !== 'device_authorization') ?? advertised[0] ?? 'device_authorization';
    const agent = await activeAgent(t, { capabilities: [t.capability('sync')] });
    const result = await t.client.requestCapability(agent, [highRisk], {
      preferred_method: preferred,
      reason: 'conformance: preferred method probe',
    });
    t.expectStatus(
      result,
      [200, 201],
      `request-capability for "${highRisk}" with preferred_method "${preferred}" (§5.4: a hint the server may follow or not)`,
    );
    if (grantFor(result.json, highRisk)?.status !== 'pending') {
      t.skip(
        `the request for "${highRisk}" answered grants ${describeGrants(result.json)}, nothing pending, so there is no approval method to read`,
      );
    }
    const approval = expectApproval(t, result.json?.approval, 'approval object of the capability request');
    t.expect(
      advertised.includes(approval.method),
      `the approval method "${approval.method}" is not among the advertised approval_methods ${JSON.stringify(advertised)} (§5.4, §7.5)`,
    );
    t.note(
      approval.method === preferred
        ? `the server followed the preferred method "${preferred}"`
        : `the server chose "${approval.method}" over the preferred "${preferred}", which §7.5 allows`,
    );
  },
});

export const checks = [methodsAdvertised, notificationUrl, requestCapabilityPreferredMethod];
