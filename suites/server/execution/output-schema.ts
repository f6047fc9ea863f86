import { z } from 'zod';
import {
  capabilityForRole,
  defineCheck,
  describeAnswer,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { agentWith, argumentsOf, describeAs } from './fixtures.ts';

/** Roles whose capability executes synchronously, so its answer carries `data` (§5.11). */
const SYNC_ROLES = ['sync', 'with-input', 'second'] as const;

/** The output schema as a zod validator, or why it cannot be evaluated (zod's converter does not cover every keyword). */
function validatorFor(output: unknown): z.ZodType | string {
  try {
    return z.fromJSONSchema(output as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return (error as Error).message;
  }
}

const outputConforms = defineCheck({
  id: 'server.execution.output-schema',
  title: "Sync execution data conforms to the capability's described output schema",
  area: 'execution',
  requirements: ['AAP-5.11-04'],
  level: 'SHOULD',
  needs: [{ capability: 'sync' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const names = [
      ...new Set(
        SYNC_ROLES.map((role) => capabilityForRole(t.profile, role)).filter(
          (name): name is string => name !== undefined,
        ),
      ),
    ];
    const agent = await agentWith(t, names);
    const checked: string[] = [];
    for (const name of names) {
      const described = await describeAs(t, agent, name);
      const output = described?.['output'];
      if (typeof output !== 'object' || output === null) continue;
      const validator = validatorFor(output);
      if (typeof validator === 'string') {
        t.note(`the output schema of ${name} cannot be evaluated by the suite (${validator}); not checked`);
        continue;
      }
      const args = argumentsOf(t, name, described);
      const result = await t.client.execute(agent, name, args);
      if (
        result.status !== 200 ||
        typeof result.json !== 'object' ||
        result.json === null ||
        !('data' in result.json)
      ) {
        t.note(
          `${name} with ${JSON.stringify(args)} answered ${describeAnswer(result)} without sync data; not checked`,
        );
        continue;
      }
      const parsed = validator.safeParse(result.json.data);
      if (!parsed.success) {
        t.fail(
          `the data of ${name} does not conform to its described output schema (§5.11, §2.12):\n${z.prettifyError(parsed.error)}\ndata: ${JSON.stringify(result.json.data).slice(0, 300)}\nschema: ${JSON.stringify(output).slice(0, 300)}`,
        );
      }
      checked.push(name);
    }
    if (checked.length === 0)
      t.notApplicable(
        `no sync capability of the profile (${names.join(', ')}) describes an output schema whose data could be checked`,
      );
    t.note(`data checked against the described output schema: ${checked.join(', ')}`);
  },
});

export const checks: CheckDefinition[] = [outputConforms];
