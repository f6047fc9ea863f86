import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { runServerCommand } from '../../src/cli/server.ts';
import { ReportSchema } from '../../src/model/index.ts';
import { serverChecks } from '../../suites/server/index.ts';
import { parseProfile, type TargetProfile } from '../../src/harness/target-profile.ts';
import { runServerConformance } from '../../src/harness/session.ts';
import type { Report } from '../../src/model/index.ts';
import { SIMULATOR_PROFILE, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';

/** The checks that need a harness-served JWKS, or judge its refusal. */
const JWKS_CHECKS = ['server.key-rotation.jwks.*', 'server.key-rotation.key-delivery.jwks-*'];

function run(simulator: RunningSimulator, profile: TargetProfile): Promise<Report> {
  return runServerConformance({
    toolVersion: packageJson.version,
    url: simulator.origin,
    controlUrl: simulator.controlUrl,
    embedded: true,
    profile: { profile, source: 'embedded' },
    checks: serverChecks,
    only: JWKS_CHECKS,
    skip: [],
    strict: true,
    seed: 7,
    timeoutMs: 5000,
    headers: {},
    formats: [],
  });
}

const summary = (report: Report) =>
  report.checks.map((check) => `${check.id} [${check.status}]: ${check.message ?? ''}`);

describe('JWKS checks against the simulator with loopback JWKS fetching allowed', () => {
  let simulator: RunningSimulator;

  beforeAll(async () => {
    simulator = await startSimulator({ allowLoopbackJwks: true });
  });
  afterAll(() => simulator.stop());

  it('passes every positive JWKS check and marks the loopback-refusal checks not applicable', async () => {
    const profile = parseProfile({ ...SIMULATOR_PROFILE, jwksLoopbackAllowed: true }, 'test profile');
    const report = await run(simulator, profile);
    const refusalChecks = report.checks.filter(
      (check) => check.id.endsWith('-loopback-refused') || check.id.endsWith('-loopback-not-fetched'),
    );
    const positive = report.checks.filter((check) => !refusalChecks.includes(check));
    expect(refusalChecks.length).toBe(2);
    expect(refusalChecks.map((check) => check.status)).toEqual(['not-applicable', 'not-applicable']);
    expect(positive.length).toBeGreaterThanOrEqual(10);
    expect(
      positive.filter((check) => check.status !== 'passed').map((check) => `${check.id}: ${check.message}`),
      summary(report).join('\n'),
    ).toEqual([]);
    expect(report.exit_code).toBe(0);
  });
});

describe('JWKS checks against the simulator without the allowance', () => {
  let simulator: RunningSimulator;

  beforeAll(async () => {
    simulator = await startSimulator({});
  });
  afterAll(() => simulator.stop());

  it('passes the loopback-refusal checks and skips the positive ones', async () => {
    const report = await run(simulator, parseProfile(SIMULATOR_PROFILE, 'simulator profile'));
    const byStatus = (status: string) =>
      report.checks.filter((check) => check.status === status).map((check) => check.id);
    expect(byStatus('passed').sort(), summary(report).join('\n')).toEqual([
      'server.key-rotation.jwks.agent-loopback-not-fetched',
      'server.key-rotation.jwks.host-loopback-refused',
    ]);
    expect(byStatus('skipped').length).toBe(report.checks.length - 2);
    for (const check of report.checks.filter((c) => c.status === 'skipped'))
      expect(check.message).toContain('RUL-JWKS-LOOPBACK');
  });
});

describe('server --embedded with a profile declaring the allowance', () => {
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'aac-jwks-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('starts the simulator allowing loopback JWKS fetching, so a JWKS-keyed host registers', async () => {
    const profilePath = join(out, 'profile.json');
    await writeFile(profilePath, JSON.stringify({ ...SIMULATOR_PROFILE, jwksLoopbackAllowed: true }));
    const code = await runServerCommand(
      {
        embedded: true,
        profile: profilePath,
        out,
        format: 'json',
        only: ['server.key-rotation.jwks.host-registers,server.key-rotation.jwks.host-loopback-refused'],
        skip: [],
        timeout: '5000',
        checkTimeout: '30000',
        concurrency: '2',
        header: [],
        quiet: true,
      },
      { stderr: () => {} },
    );
    const report = ReportSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
    expect(report.checks.map((check) => [check.id, check.status])).toEqual([
      ['server.key-rotation.jwks.host-loopback-refused', 'not-applicable'],
      ['server.key-rotation.jwks.host-registers', 'passed'],
    ]);
    expect(code).toBe(0);
  });
});
