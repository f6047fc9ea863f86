import { defineCheck, type CapabilityListResponse, type CheckContext } from '../../../src/harness/api.ts';
import { activeAgent } from '../_shared/registration.ts';
import { activeGrantNames, listAll } from './fixtures.ts';

type Entries = CapabilityListResponse['capabilities'];

function names(entries: Entries): string {
  return entries.map((entry) => entry.name).join(', ');
}

/** List entries are summaries: name, description and (agent JWT only) grant_status, no schemas (§5.2). */
function expectLightweight(t: CheckContext, entries: Entries, who: string): void {
  const heavy = entries.filter((entry) => entry.input !== undefined || entry.output !== undefined);
  t.expect(
    heavy.length === 0,
    `listing with ${who}: entries ${names(heavy)} carry input/output schemas; list entries hold only name, description and grant_status, schemas come from describe (§5.2)`,
  );
}

function expectNoGrantStatus(t: CheckContext, entries: Entries, who: string): void {
  const marked = entries.filter((entry) => entry.grant_status !== undefined);
  t.expect(
    marked.length === 0,
    `listing with ${who}: entries ${names(marked)} carry grant_status, which belongs only to agent-JWT answers (§5.2, §2.12)`,
  );
}

const listWithoutAuth = defineCheck({
  id: 'server.capabilities.list-no-auth',
  title: 'Unauthenticated capability listing returns public summaries without grant_status',
  area: 'capabilities',
  requirements: [
    'AAP-5.2-03',
    'AAP-5.2-SHAPE.no-auth',
    'AAP-5.2-RESP.capabilities',
    'AAP-5.2-01',
    'AAP-5.2-02',
    'AAP-2.12-FIELD.grant_status',
    'AAP-2.12-FIELD.name',
    'AAP-2.12-FIELD.description',
    'AAP-5.2-10',
  ],
  level: 'MUST',
  needs: [{ endpoint: 'capabilities' }],
  async run(t: CheckContext) {
    const probe = await t.client.listCapabilities('none');
    if (probe.status === 401) {
      t.note(
        'the server requires authentication to list capabilities, which §5.2 allows; see the list-auth-required checks',
      );
      return;
    }
    const entries = await listAll(t, 'none');
    expectNoGrantStatus(t, entries, 'no authentication');
    expectLightweight(t, entries, 'no authentication');
    if (entries.length === 0) t.note('the server lists no public capabilities');
  },
});

const listWithHostJwt = defineCheck({
  id: 'server.capabilities.list-host-jwt',
  title: "Capability listing with a linked host's JWT returns the user's capabilities without grant_status",
  area: 'capabilities',
  requirements: [
    'AAP-5.2-03',
    'AAP-5.2-SHAPE.host-jwt',
    'AAP-5.2-RESP.capabilities',
    'AAP-5.2-01',
    'AAP-5.2-02',
    'AAP-2.12-FIELD.grant_status',
  ],
  level: 'MUST',
  needs: [{ endpoint: 'capabilities' }, { mode: 'delegated' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const { host } = await t.client.linkedHost({ capabilities: [sync] });
    const entries = await listAll(t, host);
    expectNoGrantStatus(t, entries, 'a host JWT');
    expectLightweight(t, entries, 'a host JWT');
    t.expect(
      entries.some((entry) => entry.name === sync),
      `listing with the host JWT omits "${sync}", which the host's linked user approved for its agent; a host JWT lists the capabilities available to that user (§5.2). Listed: ${names(entries) || '(none)'}`,
    );
  },
});

const listWithAgentJwt = defineCheck({
  id: 'server.capabilities.list-agent-jwt',
  title: 'Capability listing with an agent JWT marks every capability granted or not_granted, matching the grants',
  area: 'capabilities',
  requirements: [
    'AAP-5.2-03',
    'AAP-5.2-SHAPE.agent-jwt',
    'AAP-5.2-RESP.capabilities',
    'AAP-5.2-01',
    'AAP-5.2-02',
    'AAP-2.12-FIELD.grant_status',
  ],
  level: 'MUST',
  needs: [{ endpoint: 'capabilities' }, { control: 'approve' }, { capability: 'sync' }],
  async run(t: CheckContext) {
    const sync = t.capability('sync');
    const agent = await activeAgent(t, { capabilities: [sync] });
    const entries = await listAll(t, agent);
    expectLightweight(t, entries, 'an agent JWT');
    const unmarked = entries.filter((entry) => entry.grant_status === undefined);
    t.expect(
      unmarked.length === 0,
      `listing with an agent JWT: entries ${names(unmarked)} lack grant_status; every capability carries "granted" or "not_granted" (§5.2)`,
    );
    const active = await activeGrantNames(t, agent);
    t.expect(active.has(sync), `precondition: the approved agent holds no active "${sync}" grant in its status`);
    const wrong = entries.filter((entry) => (entry.grant_status === 'granted') !== active.has(entry.name));
    t.expect(
      wrong.length === 0,
      `listing with an agent JWT: grant_status disagrees with the agent's active grants (${[...active].join(', ')}) for ${wrong
        .map((entry) => `${entry.name}=${entry.grant_status}`)
        .join(', ')} (§5.2)`,
    );
    const publicProbe = await t.client.listCapabilities('none');
    if (publicProbe.status === 200) {
      const listed = new Set(entries.map((entry) => entry.name));
      const publicEntries = await listAll(t, 'none');
      const missing = publicEntries.filter((entry) => !listed.has(entry.name));
      t.expect(
        missing.length === 0,
        `listing with an agent JWT omits public capabilities ${names(missing)}; an agent JWT lists all capabilities (§5.2)`,
      );
    }
  },
});

export const checks = [listWithoutAuth, listWithHostJwt, listWithAgentJwt];
