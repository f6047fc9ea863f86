import { describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../../src/harness/check.ts';
import { propertySeed } from '../../src/harness/property.ts';
import { runServerConformance } from '../../src/harness/session.ts';
import type { CheckResult } from '../../src/model/index.ts';
import type { FaultName } from '../../src/sim/index.ts';
import type { Exchange } from '../../src/model/index.ts';
import { checks as constraintProperties } from '../../suites/server/constraints/property.ts';
import { checks as jwtBoundaries } from '../../suites/server/jwt/boundaries.ts';
import { checks as modelChecks } from '../../suites/server/lifecycle/model.ts';
import { checks as concurrentRegistration } from '../../suites/server/registration/concurrent.ts';
import { SELFTEST_SEED, startConfiguredSimulator } from '../selftest/simulated-run.ts';

const [constraintProperty] = constraintProperties as [CheckDefinition];
const [lifecycleModel] = modelChecks as [CheckDefinition];

function checkById(checks: readonly CheckDefinition[], id: string): CheckDefinition {
  const check = checks.find((candidate) => candidate.id === id);
  if (check === undefined) throw new Error(`no check ${id}`);
  return check;
}

const boundNearMisses = checkById(constraintProperties, 'server.constraints.property.bound-near-misses');
const hostTimes = checkById(jwtBoundaries, 'server.jwt.host.status.time-boundaries');
const agentTimes = checkById(jwtBoundaries, 'server.jwt.agent.execute.time-boundaries');
const expiredSkew = checkById(jwtBoundaries, 'server.jwt.agent.execute.skew-boundary-expired-refused');
const executeAudiences = checkById(jwtBoundaries, 'server.jwt.agent.execute.aud-near-misses');
const statusAudiences = checkById(jwtBoundaries, 'server.jwt.host.status.aud-near-misses');
const concurrentJti = checkById(jwtBoundaries, 'server.jwt.agent.execute.jti-concurrent-replay');
const concurrentHostJti = checkById(jwtBoundaries, 'server.jwt.host.status.jti-concurrent-replay');
const concurrentRegister = checkById(concurrentRegistration, 'server.registration.concurrent-same-key');

/** Runs one check against a fresh simulator with `faults` and returns its result. */
async function runAgainst(
  check: CheckDefinition,
  faults: FaultName[],
  seed = SELFTEST_SEED,
  recordExchanges: 'all' | 'failures' = 'failures',
): Promise<CheckResult> {
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
      recordExchanges,
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
  /** The check's status (default failed; a breached SHOULD is a warning outside --strict). */
  status?: 'failed' | 'warning';
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
      /^step \d+, execute\(agent \d\) \(model: expired(-max)?\): execute: expected 403 agent_expired, got 200 .*\(spec\/state-table\.yaml, expired(-max)? × execute-(subject|other)\)$/,
  },
  {
    check: lifecycleModel,
    fault: 'revoked-agent-executes',
    verdict:
      /^step \d+, execute\(agent \d\) \(model: (absolute-)?revoked\): execute: expected 403 agent_revoked, got (200 .*|403 "capability_not_granted" )\(spec\/state-table\.yaml, (absolute-)?revoked × execute-(subject|other)\)$/,
  },
  {
    check: lifecycleModel,
    fault: 'reactivates-revoked-agent',
    verdict:
      // Revoked by the host or by unlinking it: either way a revoked agent the fault brings back.
      /^step \d+, reactivate\(agent \d\) \(model: (revoked|unlinked)\): reactivate: expected 403 agent_revoked, got 200 .*\(spec\/state-table\.yaml, (revoked|unlinked) × reactivate\)$/,
  },
  {
    check: boundNearMisses,
    fault: 'truncates-numeric-arguments',
    verdict:
      /^execute transfer_money with amount=\d+\.001 under the granted constraints \{"amount":\{.*"max":\d+.*: the arguments break the constraint on amount \(§2\.13, §5\.11\): expected HTTP 403 with error "constraint_violated", got 200/,
  },
  {
    check: agentTimes,
    fault: 'wide-iat-skew',
    verdict:
      /^POST execute \S+ with an agent JWT whose iat now\+36s, exp now\+96s \(lifetime 60 s\) \[iat past the skew cap\]: the token was accepted/,
  },
  {
    check: hostTimes,
    fault: 'short-replay-cache',
    verdict:
      /^GET status with a host JWT whose iat now-\d+s, exp now(-\d+s)? \(lifetime \d+ s\) \[exp just passed\], sent a second time after it was accepted: the token was accepted/,
  },
  {
    check: expiredSkew,
    fault: 'accepts-expired-jwt',
    status: 'warning',
    verdict:
      /^POST execute \S+ with an agent JWT whose iat now-96s, exp now-36s \(lifetime 60 s\): exp passed more than/,
  },
  {
    check: executeAudiences,
    fault: 'aud-prefix-match',
    verdict:
      /^POST execute \S+ with an agent JWT whose aud is "http:\/\/127\.0\.0\.1:\d+\/" .*: the token was accepted/,
  },
  {
    check: statusAudiences,
    fault: 'skips-aud-check',
    verdict: /^GET status with a host JWT whose aud is "http:\/\/127\.0\.0\.1:\d+\/" .*: the token was accepted/,
  },
  {
    check: concurrentJti,
    fault: 'replay-check-race',
    verdict: /^POST execute \S+ with one agent JWT sent 2 times at once: 2 were accepted/,
  },
  {
    check: concurrentHostJti,
    fault: 'no-replay-cache',
    verdict: /^GET status with one host JWT sent 2 times at once: 2 were accepted/,
  },
  {
    check: concurrentRegister,
    fault: 'registration-race',
    verdict:
      /^2 registrations of one agent key under an? (approved|never-seen) host sent at once: the server created 2 agents/,
  },
];

/** New property checks of the boundaries work, run against the fault-free simulator and for seed replays. */
const BOUNDARY_CHECKS = [
  boundNearMisses,
  hostTimes,
  agentTimes,
  expiredSkew,
  executeAudiences,
  statusAudiences,
  concurrentJti,
  concurrentRegister,
];

/**
 * What a check generated, independent of the simulator's port, ids and clock: per request its
 * path, the token's audience (origin removed) and lifetime, and the request body without names.
 */
function generatedCases(exchanges: readonly Exchange[]): string[] {
  const origin = (url: string) => url.replace(/^https?:\/\/127\.0\.0\.1:\d+/, '');
  return exchanges.map((exchange) => {
    const claims = exchange.request.jwt?.claims ?? {};
    const body = exchange.request.body === undefined ? undefined : (JSON.parse(exchange.request.body) as unknown);
    // Names and the ids and codes the server hands out are not generated by the check.
    const {
      name: _name,
      agent_id: _agent,
      host_id: _host,
      user_code: _code,
      ...rest
    } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    return JSON.stringify({
      path: origin(exchange.request.url).replace(/\?.*$/, ''),
      aud: typeof claims.aud === 'string' ? origin(claims.aud) : claims.aud,
      lifetime: typeof claims.exp === 'number' && typeof claims.iat === 'number' ? claims.exp - claims.iat : null,
      body: rest,
    });
  });
}

describe('boundary property checks: the same --seed generates the same cases', () => {
  it.each([boundNearMisses, agentTimes, executeAudiences, concurrentRegister])(
    '$id repeats its requests under the same seed and changes them under another',
    async (check) => {
      const first = await runAgainst(check, [], SELFTEST_SEED, 'all');
      const again = await runAgainst(check, [], SELFTEST_SEED, 'all');
      const other = await runAgainst(check, [], SELFTEST_SEED + 1, 'all');
      expect(first.status).toBe('passed');
      expect(generatedCases(again.exchanges)).toEqual(generatedCases(first.exchanges));
      expect(generatedCases(other.exchanges)).not.toEqual(generatedCases(first.exchanges));
    },
  );
});

describe('property and model checks against the simulator', () => {
  it.each([constraintProperty, lifecycleModel, ...BOUNDARY_CHECKS])(
    '$id passes on the fault-free simulator',
    async (check) => {
      const result = await runAgainst(check, []);
      expect(result.message ?? '').toBe('');
      expect(result.status).toBe('passed');
    },
  );

  it.each(FAULT_CASES)(
    '$check.id fails under the simulator fault $fault with a reproducible counterexample',
    async ({ check, fault, verdict, status = 'failed' }) => {
      const result = await runAgainst(check, [fault]);
      expect(result.status).toBe(status);
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
