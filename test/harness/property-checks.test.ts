import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../../src/harness/check.ts';
import { propertySeed } from '../../src/harness/property.ts';
import { runServerConformance } from '../../src/harness/session.ts';
import type { CheckResult } from '../../src/model/index.ts';
import type { FaultName } from '../../src/sim/index.ts';
import { checks as constraintProperties } from '../../suites/server/constraints/property.ts';
import { checks as modelChecks } from '../../suites/server/lifecycle/model.ts';
import { SELFTEST_SEED, startConfiguredSimulator } from '../selftest/simulated-run.ts';

const [constraintProperty] = constraintProperties as [CheckDefinition];
const [lifecycleModel] = modelChecks as [CheckDefinition];

/** Runs one check against a fresh simulator with `faults` and returns its result. */
async function runAgainst(check: CheckDefinition, faults: FaultName[], seed = SELFTEST_SEED): Promise<CheckResult> {
  const target = await startConfiguredSimulator('default', faults);
  try {
    const report = await runServerConformance({
      toolVersion: 'test',
      url: target.simulator.origin,
      controlUrl: target.simulator.controlUrl,
      embedded: true,
      profile: { profile: target.profile, source: 'embedded' },
      checks: [check],
      only: [],
      skip: [],
      strict: false,
      seed,
      timeoutMs: 5000,
      headers: {},
      formats: [],
    });
    expect(report.setup.ok, report.setup.error).toBe(true);
    return report.checks[0] as CheckResult;
  } finally {
    await target.simulator.stop();
  }
}

interface FaultCase {
  check: CheckDefinition;
  fault: FaultName;
  /** The verdict line of the shrunk failing case. */
  verdict: RegExp;
}

const FAULT_CASES: FaultCase[] = [
  {
    check: constraintProperty,
    fault: 'ignores-max-operator',
    verdict:
      /the arguments break the constraint on amount \(§2\.13, §5\.11\): expected HTTP 403 with error "constraint_violated", got 200/,
  },
  {
    check: constraintProperty,
    fault: 'widens-constraints',
    verdict:
      /^requested .*, the server granted .*: the constraint on "amount" was (widened|dropped).*\(§2\.13: never wider than requested\)$/,
  },
  {
    check: lifecycleModel,
    fault: 'expired-agent-executes',
    verdict:
      /^step \d+, execute\(agent \d\) \(model: expired\): execute by the expired agent: expected 403 agent_expired or 401 invalid_jwt .*, got 200/,
  },
  {
    check: lifecycleModel,
    fault: 'revoked-agent-executes',
    verdict:
      /^step \d+, execute\(agent \d\) \(model: revoked\): execute by the revoked agent: expected 403 agent_revoked or 401 invalid_jwt .*, got 200/,
  },
  {
    check: lifecycleModel,
    fault: 'reactivates-revoked-agent',
    verdict:
      /^step \d+, reactivate\(agent \d\) \(model: revoked\): reactivate a revoked agent: expected 403 agent_revoked .*, got 200/,
  },
];

describe('property and model checks against the simulator', () => {
  it.each([constraintProperty, lifecycleModel])('$id passes on the fault-free simulator', async (check) => {
    const result = await runAgainst(check, []);
    expect(result.message ?? '').toBe('');
    expect(result.status).toBe('passed');
  });

  it.each(FAULT_CASES)(
    '$check.id fails under the simulator fault $fault with a reproducible counterexample',
    async ({ check, fault, verdict }) => {
      const result = await runAgainst(check, [fault]);
      expect(result.status).toBe('failed');
      const [first, falsified, reproduce] = (result.message ?? '').split('\n');
      expect(first).toMatch(verdict);
      expect(falsified).toMatch(
        /^property falsified by generated case \d+ of \d+, after \d+ shrinks?.*; counterexample: .+$/,
      );
      expect(reproduce).toContain(
        `reproduce with --seed ${SELFTEST_SEED} (fast-check seed ${propertySeed(SELFTEST_SEED, check.id)}, path "`,
      );
      const [, from, to] = /exchanges? #(\d+)(?:-#(\d+))?$/.exec(reproduce ?? '') ?? [];
      const recorded = result.exchanges.map((exchange) => exchange.seq);
      expect(recorded).toContain(Number(from));
      if (to !== undefined) expect(recorded).toContain(Number(to));
      if (check === lifecycleModel) {
        // The shrunk sequence ends with the step that failed, on the agent the verdict names.
        const agent = /\(agent (\d)\)/.exec(first ?? '')?.[1];
        expect(falsified).toMatch(new RegExp(`counterexample: ".*\\(agent ${agent}\\) /\\*replayPath=`));
      }
    },
  );
});
