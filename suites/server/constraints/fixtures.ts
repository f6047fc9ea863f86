import {
  ActiveGrantSchema,
  type AgentIdentity,
  type CheckContext,
  type CheckNeed,
  type Constraints,
} from '../../../src/harness/api.ts';
import type { ConstrainableRole } from '../_shared/capabilities.ts';

export const CONSTRAINED_NEEDS: CheckNeed[] = [{ capability: 'constrainable' }, { control: 'approve' }];

export interface ConstrainedAgent {
  agent: AgentIdentity;
  /** The constraints of the active grant as status reports them after approval (§5.3: the effective limits). */
  granted: Constraints | undefined;
}

/** An active agent whose grant of the constrainable capability was requested with `constraints`. */
export async function constrainedAgent(
  t: CheckContext,
  role: ConstrainableRole,
  constraints: Constraints,
): Promise<ConstrainedAgent> {
  const agent = await t.client.activeAgent({ capabilities: [{ name: role.name, constraints }] });
  const status = await t.client.status(agent);
  t.expectStatus(status, 200, 'status after approval');
  const grants: unknown[] = Array.isArray(status.json?.agent_capability_grants)
    ? status.json.agent_capability_grants
    : [];
  const entry = grants.find(
    (grant) =>
      (grant as { capability?: unknown; status?: unknown } | null)?.capability === role.name &&
      (grant as { status?: unknown }).status === 'active',
  );
  if (entry === undefined) {
    t.fail(
      `precondition: after approval, status lists no active grant for ${role.name} (requested with constraints ${JSON.stringify(constraints)})`,
    );
  }
  const parsed = ActiveGrantSchema.safeParse(entry);
  if (!parsed.success)
    t.fail(`the active ${role.name} grant does not have the §5.3 grant shape: ${parsed.error.message}`);
  return { agent, granted: parsed.data.constraints ?? undefined };
}
