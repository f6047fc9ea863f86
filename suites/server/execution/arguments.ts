import {
  argumentsFor,
  defineCheck,
  describeAnswer,
  type AgentIdentity,
  type CheckContext,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { agentWith, argumentsOf, describeAs, requiredFields, type Described } from './fixtures.ts';

interface InputFixture {
  agent: AgentIdentity;
  capability: string;
  /** Arguments the capability executed with. */
  valid: Record<string, unknown>;
  /** A required field of its input schema that takes a string. */
  field: string;
}

/** The type a described input schema gives `field`, if it names one. */
function fieldType(described: Described, field: string): unknown {
  const input = described['input'] as { properties?: Record<string, { type?: unknown }> } | undefined;
  return input?.properties?.[field]?.type;
}

/**
 * An agent holding the `with-input` capability, which it has executed with valid arguments, and a
 * required string field of the capability's described input schema.
 */
async function inputFixture(t: CheckContext): Promise<InputFixture> {
  const capability = t.capability('with-input');
  const agent = await agentWith(t, [capability]);
  const described = await describeAs(t, agent, capability);
  if (described === undefined)
    t.notApplicable(`describe ${capability} gave no capability object, so its input schema is unknown`);
  const field = requiredFields(described).find((name) => fieldType(described, name) === 'string');
  if (field === undefined)
    t.notApplicable(
      `the described input schema of ${capability} has no required string field: ${JSON.stringify(described['input'])}`,
    );
  const valid = argumentsOf(t, capability, described);
  const result = await t.client.execute(agent, capability, valid);
  if (result.status < 200 || result.status >= 300) {
    t.skip(
      `${capability} does not execute with the arguments ${JSON.stringify(valid)} (${describeAnswer(result)}), so refusing other arguments would prove nothing`,
    );
  }
  return { agent, capability, valid, field };
}

const NEEDS = [{ capability: 'with-input' as const }, { control: 'approve' as const }];

const wrongType = defineCheck({
  id: 'server.execution.arguments.wrong-type',
  title: 'Execution arguments giving a required string field a number answer 400 invalid_request',
  area: 'execution',
  requirements: ['AAP-5.2.1-07'],
  level: 'SHOULD',
  needs: NEEDS,
  async run(t: CheckContext) {
    const { agent, capability, valid, field } = await inputFixture(t);
    const args = { ...valid, [field]: 12345 };
    const result = await t.client.execute(agent, capability, args);
    t.expectError(
      result,
      400,
      'invalid_request',
      `execute ${capability} with ${JSON.stringify(args)}, "${field}" being a string in its input schema (§5.2.1)`,
    );
  },
});

const missingRequired = defineCheck({
  id: 'server.execution.arguments.missing-required',
  title: 'Execution arguments without a required field of the input schema answer 400 invalid_request',
  area: 'execution',
  requirements: ['AAP-5.2.1-07'],
  level: 'SHOULD',
  needs: NEEDS,
  async run(t: CheckContext) {
    const { agent, capability, valid, field } = await inputFixture(t);
    const { [field]: _omitted, ...args } = valid;
    const result = await t.client.execute(agent, capability, args);
    t.expectError(
      result,
      400,
      'invalid_request',
      `execute ${capability} with ${JSON.stringify(args)}, without its required "${field}" (§5.2.1)`,
    );
  },
});

const withoutArguments = defineCheck({
  id: 'server.execution.arguments.omitted',
  title: 'A capability without required input executes when the request has no arguments member',
  area: 'execution',
  requirements: ['AAP-5.11-FIELD.arguments'],
  level: 'MAY',
  needs: [{ capability: 'sync' }, { control: 'approve' }],
  async run(t: CheckContext) {
    const capability = t.capability('sync');
    const agent = await agentWith(t, [capability]);
    const required = requiredFields(await describeAs(t, agent, capability));
    if (required.length > 0)
      t.notApplicable(`${capability} requires input (${required.join(', ')}), so it cannot run without arguments`);
    const given = argumentsFor(t.profile, capability);
    if (Object.keys(given).length > 0)
      t.note(`the profile gives arguments for ${capability} (${JSON.stringify(given)}); they are left out here`);
    const result = await t.client.execute(agent, capability);
    t.expectStatus(
      result,
      200,
      `execute ${capability} with a body of only {"capability"} (§5.11: arguments is optional)`,
    );
  },
});

export const checks: CheckDefinition[] = [wrongType, missingRequired, withoutArguments];
