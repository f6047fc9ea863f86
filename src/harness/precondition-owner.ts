import { stoppingExchange, type CheckResult } from '../model/index.ts';
import { PRECONDITION_PREFIX } from './outcome.ts';

/**
 * The check that tests the behaviour a failed precondition relied on, by the label of the request it
 * stopped at (the protocol client labels every request with its operation). A registration refused
 * in a revocation check is a registration problem; pointing at the registration check tells the
 * reader where the verdict on it is, so the revocation check's error is not read as a finding.
 */
const OWNERS: readonly (readonly [RegExp, string])[] = [
  [/^discovery$/, 'server.discovery.served'],
  [/^register$/, 'server.registration.auto-approved-response'],
  [/^status$/, 'server.lifecycle.status.lists-every-grant'],
  [/^request capability$/, 'server.approval.request-capability-response'],
  [/^execute /, 'server.execution.sync-shape'],
  [/^poll status_url$/, 'server.execution.async.completed'],
  [/^list capabilities \(no auth/, 'server.capabilities.list-no-auth'],
  [/^list capabilities \(host/, 'server.capabilities.list-host-jwt'],
  [/^list capabilities \(agent/, 'server.capabilities.list-agent-jwt'],
  [/^describe .* \(agent/, 'server.capabilities.describe-agent-jwt'],
  [/^describe .* \(host/, 'server.capabilities.describe-host-jwt'],
  [/^describe /, 'server.capabilities.describe-no-auth'],
  [/^introspect$/, 'server.introspection.active'],
  [/^revoke$/, 'server.lifecycle.revoke.response'],
  [/^revoke host$/, 'server.lifecycle.host-revoke.response'],
  [/^reactivate$/, 'server.lifecycle.reactivate.response-fields'],
  [/^rotate key$/, 'server.key-rotation.agent.response'],
  [/^rotate host key$/, 'server.key-rotation.host.response'],
];

/** Every check id the table names, for the test that keeps it in step with the suite. */
export const OWNER_CHECK_IDS: readonly string[] = [...new Set(OWNERS.map(([, owner]) => owner))];

/** The owning check of the step a precondition error stopped at, when one is known and is not the check itself. */
export function preconditionOwner(
  result: Pick<CheckResult, 'id' | 'status' | 'message' | 'failure' | 'exchanges'>,
): string | undefined {
  if (result.status !== 'error' || !(result.message ?? '').startsWith(PRECONDITION_PREFIX)) return undefined;
  const stopped = stoppingExchange(result);
  const label = stopped?.label;
  // A 429 is the target declining to serve, not a behaviour of the step another check owns.
  if (label === undefined || stopped?.response?.status === 429) return undefined;
  const owner = OWNERS.find(([pattern]) => pattern.test(label))?.[1];
  return owner !== result.id ? owner : undefined;
}

/** The result with its precondition error pointing at the owning check, when there is one. */
export function withPreconditionOwner(result: CheckResult): CheckResult {
  const owner = preconditionOwner(result);
  if (owner === undefined) return result;
  return { ...result, message: `${result.message} (that step is what ${owner} tests: see its verdict)` };
}
