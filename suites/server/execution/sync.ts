import {
  argumentsFor,
  defineCheck,
  ExecuteSyncResponseSchema,
  type CheckDefinition,
} from '../../../src/harness/api.ts';
import { agentWith, execute } from './fixtures.ts';

const NEEDS = [{ capability: 'sync' as const }, { control: 'approve' as const }];

const syncShape = defineCheck({
  id: 'server.execution.sync-shape',
  title: 'A sync execution answers 200 with data and none of status, status_url, result or error',
  area: 'execution',
  requirements: [
    'AAP-5.11-SHAPE.sync_success.includes',
    'AAP-5.11-SHAPE.sync_success.excludes',
    'AAP-5.11-RESP.data',
    'AAP-4.5-STEP13',
  ],
  level: 'MUST',
  needs: NEEDS,
  async run(t) {
    const capability = t.capability('sync');
    const agent = await agentWith(t, [capability]);
    const result = await execute(t, agent, capability);
    t.expectStatus(result, 200, `execute ${capability} (sync success, §5.11)`);
    t.expectJson(result, ExecuteSyncResponseSchema, `sync answer of ${capability} (§5.11: data only)`);
  },
});

const missingCapability = defineCheck({
  id: 'server.execution.missing-capability',
  title: 'Execute answers 400 invalid_request when capability is missing or not a string',
  area: 'execution',
  requirements: ['AAP-5.11-FIELD.capability', 'AAP-5.11-ERR.invalid_request', 'AAP-5.13-ERR.invalid_request'],
  level: 'MUST',
  needs: NEEDS,
  async run(t) {
    const capability = t.capability('sync');
    const agent = await agentWith(t, [capability]);
    const args = argumentsFor(t.profile, capability);
    const location = t.client.locationFor(capability);
    const missing = await t.client.execute(agent, capability, args, { location, body: { capability: undefined } });
    t.expectError(missing, 400, 'invalid_request', 'execute without "capability" (§5.11)');
    const numeric = await t.client.execute(agent, capability, args, { location, body: { capability: 42 } });
    t.expectError(numeric, 400, 'invalid_request', 'execute with "capability": 42 (§5.11)');
  },
});

export const checks: CheckDefinition[] = [syncShape, missingCapability];
