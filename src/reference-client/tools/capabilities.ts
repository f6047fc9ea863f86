import { LIMITS } from '../config.ts';
import { identityOf, providerOf, requireConnection, type ClientContext } from '../context.ts';
import type { Provider } from '../discovery.ts';
import type { Connection } from '../state.ts';
import { ToolError, errorFromAnswer, isRecord } from '../tool-error.ts';

export interface ListCapabilitiesArgs {
  provider?: string;
  query?: string;
  agent_id?: string;
  cursor?: string;
}

export interface DescribeCapabilityArgs {
  provider?: string;
  name: string;
  agent_id?: string;
}

/** §6.3: the lightweight listing, as the agent when agent_id is given (then with grant_status). */
export async function listCapabilities(
  ctx: ClientContext,
  args: ListCapabilitiesArgs,
): Promise<Record<string, unknown>> {
  const { provider, connection } = await target(ctx, args.provider, args.agent_id);
  return fetchListing(ctx, provider, connection, { query: args.query, cursor: args.cursor });
}

/** §6.3.1: the full capability object; an unknown name is reported as capability_not_found. */
export async function describeCapability(
  ctx: ClientContext,
  args: DescribeCapabilityArgs,
): Promise<Record<string, unknown>> {
  const { provider, connection } = await target(ctx, args.provider, args.agent_id);
  return describe(ctx, provider, connection, args.name);
}

/** GET /capability/describe through the capability cache. */
export async function describe(
  ctx: ClientContext,
  provider: Provider,
  connection: Connection | undefined,
  name: string,
): Promise<Record<string, unknown>> {
  const url = ctx.api.urlOf(provider, 'describe_capability', { name });
  const identity = identityOf(ctx, connection);
  const cached = ctx.capabilities.get(url, identity);
  if (isRecord(cached)) return cached;
  const answer = await ctx.api.describe(provider, connection, name);
  if (answer.status === 404 && !isRecord(answer.json)) {
    throw new ToolError('capability_not_found', `${provider.name} has no capability named "${name}"`, { name });
  }
  if (answer.status !== 200 || !isRecord(answer.json)) throw errorFromAnswer(answer, `describing "${name}"`, { name });
  ctx.capabilities.put(url, identity, provider.issuer, answer.json, answer.headers);
  return answer.json;
}

/**
 * Names the provider offers, for an invalid_capabilities error (§6.4 step 7, §6.6 step 4 SHOULD):
 * the listing as the host, page after page up to a bound. Empty when the listing itself fails.
 */
export async function availableCapabilities(ctx: ClientContext, provider: Provider): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < LIMITS.maxCapabilityPages; page++) {
      const listing = await fetchListing(ctx, provider, undefined, { cursor });
      const entries = Array.isArray(listing.capabilities) ? listing.capabilities : [];
      for (const entry of entries) if (isRecord(entry) && typeof entry.name === 'string') names.push(entry.name);
      cursor = typeof listing.next_cursor === 'string' && listing.has_more !== false ? listing.next_cursor : undefined;
      if (cursor === undefined) break;
    }
  } catch {
    // The error being reported matters more than the list that would accompany it.
  }
  return names;
}

async function fetchListing(
  ctx: ClientContext,
  provider: Provider,
  connection: Connection | undefined,
  query: Record<string, string | undefined>,
): Promise<Record<string, unknown>> {
  const url = ctx.api.urlOf(provider, 'capabilities', query);
  const identity = identityOf(ctx, connection);
  const cached = ctx.capabilities.get(url, identity);
  if (isRecord(cached)) return cached;
  const answer = await ctx.api.list(provider, connection, query);
  if (answer.status !== 200 || !isRecord(answer.json)) throw errorFromAnswer(answer, 'capability listing');
  ctx.capabilities.put(url, identity, provider.issuer, answer.json, answer.headers);
  return answer.json;
}

/** The provider to ask and, when an agent id is given, the agent that asks. */
async function target(
  ctx: ClientContext,
  providerArg: string | undefined,
  agentId: string | undefined,
): Promise<{ provider: Provider; connection?: Connection }> {
  if (agentId === undefined) return { provider: await ctx.providers.resolve(providerArg) };
  const connection = requireConnection(ctx, agentId);
  const provider = await providerOf(ctx, connection);
  if (providerArg !== undefined && providerArg !== '' && providerArg !== provider.name) {
    const named = await ctx.providers.resolve(providerArg);
    if (named.issuer !== provider.issuer) {
      throw new ToolError('invalid_request', `agent ${agentId} is connected to ${provider.name}, not to ${named.name}`);
    }
  }
  return { provider, connection };
}
