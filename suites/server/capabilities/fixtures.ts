import {
  capabilityForRole,
  CapabilityListResponseSchema,
  type AgentRef,
  type Auth,
  type CapabilityListResponse,
  type CheckContext,
  type HttpResult,
} from '../../../src/harness/api.ts';
import { capabilityCaller } from '../_shared/capabilities.ts';
import { activeAgent } from '../_shared/registration.ts';

/** Pages a full listing may take before the walk is declared endless. */
const MAX_PAGES = 200;

export interface ListedPage {
  result: HttpResult;
  body: CapabilityListResponse;
}

/** One listing page that must answer 200 with the §5.2 response shape. */
export async function listPage(
  t: CheckContext,
  auth: Auth,
  query: { query?: string; cursor?: string; limit?: number } = {},
): Promise<ListedPage> {
  const result = await t.client.listCapabilities(auth, query);
  t.expectStatus(result, 200);
  return { result, body: t.expectJson(result, CapabilityListResponseSchema) };
}

/** Whether the server says another page follows this one (has_more, or a cursor without has_more). */
export function continues(body: CapabilityListResponse): boolean {
  if (body.has_more === true) return true;
  return body.has_more === undefined && typeof body.next_cursor === 'string' && body.next_cursor !== '';
}

/** Every entry of the listing for `auth`, following next_cursor until the server says it is done. */
export async function listAll(t: CheckContext, auth: Auth): Promise<CapabilityListResponse['capabilities']> {
  const entries: CapabilityListResponse['capabilities'] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { body } = await listPage(t, auth, cursor === undefined ? {} : { cursor });
    entries.push(...body.capabilities);
    if (!continues(body)) return entries;
    t.expect(
      typeof body.next_cursor === 'string' && body.next_cursor !== '',
      `the listing says has_more is true but gives no next_cursor to fetch the next page (§5.2)`,
    );
    cursor = body.next_cursor;
  }
  return t.fail(`the capability listing did not end within ${MAX_PAGES} pages (§5.2)`);
}

/**
 * The caller that sees the most capabilities: an active agent (agent JWTs list all of them, §5.2)
 * when the approve hook is there to create one, otherwise the least privileged caller.
 */
export async function widestCaller(t: CheckContext): Promise<Auth> {
  if (!t.control?.supports('approve')) return capabilityCaller(t);
  const sync = capabilityForRole(t.profile, 'sync');
  return activeAgent(t, sync === undefined ? {} : { capabilities: [sync] });
}

/** Names of the capabilities the agent holds an active grant for, read from its status. */
export async function activeGrantNames(t: CheckContext, agent: AgentRef): Promise<Set<string>> {
  const status = await t.client.status(agent);
  t.expectStatus(status, 200, 'agent status');
  const grants: unknown = status.json?.agent_capability_grants;
  t.expect(Array.isArray(grants), `agent status has no agent_capability_grants array (§5.5)`);
  const names = grants
    .filter((grant): grant is { capability: string; status: string } => typeof grant?.capability === 'string')
    .filter((grant) => grant.status === 'active')
    .map((grant) => grant.capability);
  return new Set(names);
}
