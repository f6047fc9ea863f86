import type { ClientContext } from '../context.ts';
import { defaultLocation, type Provider } from '../discovery.ts';
import type { Connection } from '../state.ts';
import { describe } from '../tools/capabilities.ts';

/** Where one execution goes and the audience its token names. */
export interface ExecutionTarget {
  url: string;
  aud: string;
}

/**
 * Resolves the execution location (§2.15, §6.10): the capability's `location` (learned from
 * describe, cached) if it has one, else default_location (§5.1). The agent JWT's aud is that URL
 * (§4.3 claim table, RUL-EXEC-AUD).
 *
 * A location on another origin than the issuer is used: §2.12 and §2.15 define capabilities
 * executed by "a separate service" (the §2.12 example puts `check_balance` on another host), and
 * §8.18 is met because the token sent there is minted for that request alone, names that location
 * as aud and is restricted to the one capability, so it is valid nowhere else and never reused.
 * Only its transport is checked (https, or loopback http under the test allowance).
 */
export async function resolveTarget(
  ctx: ClientContext,
  provider: Provider,
  connection: Connection,
  capability: string,
): Promise<ExecutionTarget> {
  const fallback = defaultLocation(provider, ctx.faults);
  if (ctx.faults.has('ignores-capability-location')) return { url: fallback, aud: fallback };
  const described = await describe(ctx, provider, connection, capability).catch(() => undefined);
  const location = described?.location;
  if (typeof location !== 'string') return { url: fallback, aud: fallback };
  ctx.policy.require(location, `the location of ${capability}`);
  // aud is the location string exactly as the server states it.
  return { url: location, aud: ctx.faults.has('agent-aud-ignores-location') ? fallback : location };
}
