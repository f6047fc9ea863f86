import { z } from 'zod';
import type { ActiveWorkaround } from '../model/index.ts';

/**
 * Declared workarounds: known deviations of the target that the operator names in the target profile
 * so that the harness steps around them and the rest of the suite can observe the server. Each one is
 * still tested, and failed, by the checks dedicated to it; every report states which were active.
 */
export const WorkaroundsSchema = z.strictObject({
  /**
   * `host-id`: agent JWTs minted by the protocol client carry the `host_id` the server answered at
   * registration as `iss`, instead of the host key thumbprint §4.3 prescribes. Checks that test the
   * agent JWT `iss` itself still send the thumbprint.
   */
  agentJwtIssuer: z.literal('host-id').optional(),
});
export type Workarounds = z.infer<typeof WorkaroundsSchema>;
export type WorkaroundName = keyof Workarounds;

type Description = Omit<ActiveWorkaround, 'name' | 'value'>;

const DESCRIPTIONS: { [Name in WorkaroundName]-?: Record<NonNullable<Workarounds[Name]>, Description> } = {
  agentJwtIssuer: {
    'host-id': {
      effect:
        "agent JWTs minted by the harness carry the server's host_id from the registration answer as iss, instead of the host key thumbprint (§4.3)",
      reason:
        'the target refuses agent JWTs whose iss is the host key thumbprint and accepts only its own host id there; without the workaround every check that authenticates an agent stops at its first agent request',
      requirements: ['AAP-4.3-CLAIM.iss', 'AAP-4.5-STEP4'],
      still_tested_by: [
        'server.jwt.agent.execute.thumbprint-iss-accepted',
        'server.jwt.agent.execute.foreign-host-agent',
        'server.jwt.agent.request-capability.foreign-host-agent',
        'server.key-rotation.host.agents-keep-working',
      ],
    },
  },
};

/** The workarounds a profile declares, described for the report (empty when none). */
export function activeWorkarounds(workarounds: Workarounds | undefined): ActiveWorkaround[] {
  const active: ActiveWorkaround[] = [];
  for (const name of Object.keys(DESCRIPTIONS) as WorkaroundName[]) {
    const value = workarounds?.[name];
    if (value !== undefined) active.push({ name, value, ...DESCRIPTIONS[name][value] });
  }
  return active;
}

/** Plain-text notice for terminal output; no lines when nothing is active. */
export function workaroundNotice(active: readonly ActiveWorkaround[]): string[] {
  if (active.length === 0) return [];
  return [
    `WORKAROUNDS ACTIVE (${active.length}): declared in the target profile; the results depend on them`,
    ...active.flatMap((workaround) => [
      `  ${workaround.name}: ${workaround.value} — ${workaround.effect}`,
      `    reason: ${workaround.reason}`,
      `    still tested by: ${workaround.still_tested_by.join(', ')}`,
    ]),
  ];
}
