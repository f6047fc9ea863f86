import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { TargetClock } from '../../src/harness/target-clock.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCheck, type CheckContext, type CheckDefinition } from '../../src/harness/check.ts';
import { HttpDriver } from '../../src/harness/http-driver.ts';
import { ControlError } from '../../src/harness/outcome.ts';
import { failureStatus, runChecks, type RunEnvironment } from '../../src/harness/runner.ts';
import { runServerConformance, type ServerRunConfig } from '../../src/harness/session.ts';
import { ReportSchema, type CheckResult } from '../../src/model/index.ts';
import { writeReports } from '../../src/reports/write.ts';
import { discoveryHandler, fakeTarget } from './fake-target.ts';
import { closesSocket, huge, json, neverAnswers, startLocalServer, type LocalServer } from './local-server.ts';

function env(overrides: Partial<RunEnvironment> = {}): RunEnvironment {
  return {
    http: new HttpDriver({ timeoutMs: 500 }),
    target: fakeTarget(),
    profile: { sync: 'list_accounts' },
    control: { baseUrl: 'http://127.0.0.1:1/__control', supports: ['approve'], unknown: [] },
    seed: 7,
    clock: new TargetClock(),
    ...overrides,
  };
}

function check(
  id: string,
  run: (t: CheckContext) => Promise<void>,
  extra: Partial<CheckDefinition> = {},
): CheckDefinition {
  return defineCheck({ id, title: id, area: 'discovery', requirements: ['AAP-5.1-01'], level: 'MUST', run, ...extra });
}

describe('scoring', () => {
  it('maps levels to statuses, with --strict turning SHOULD failures into failures', () => {
    expect(failureStatus('MUST', false)).toBe('failed');
    expect(failureStatus('SHOULD', false)).toBe('warning');
    expect(failureStatus('SHOULD', true)).toBe('failed');
    expect(failureStatus('MAY', false)).toBe('info');
    expect(failureStatus('MAY', true)).toBe('info');
  });

  it('maps outcomes of checks to statuses', async () => {
    const checks = [
      check('x.pass', async (t) => t.note('fine')),
      check('x.must', async (t) => t.fail('broken')),
      check('x.should', async (t) => t.expect(false, 'meh'), { level: 'SHOULD' }),
      check('x.may', async (t) => t.fail('optional'), { level: 'MAY' }),
      check('x.skip', async (t) => t.skip('no hook')),
      check('x.na', async (t) => t.notApplicable('not offered')),
      check('x.error', async () => {
        throw new TypeError('bug in check');
      }),
      check('x.control', async () => {
        throw new ControlError('hook answered 500');
      }),
    ];
    const results = await runChecks(checks, env());
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['x.pass']?.status).toBe('passed');
    expect(byId['x.pass']?.notes).toEqual(['fine']);
    expect(byId['x.must']).toMatchObject({ status: 'failed', message: 'broken' });
    expect(byId['x.should']).toMatchObject({ status: 'warning', message: 'meh' });
    expect(byId['x.may']?.status).toBe('info');
    expect(byId['x.skip']).toMatchObject({ status: 'skipped', message: 'no hook' });
    expect(byId['x.na']?.status).toBe('not-applicable');
    expect(byId['x.error']?.status).toBe('error');
    expect(byId['x.error']?.stack).toContain('bug in check');
    expect(byId['x.control']).toMatchObject({ status: 'error', message: 'hook answered 500' });
    expect(results.map((r) => r.id)).toEqual(checks.map((c) => c.id));

    const strict = await runChecks([checks[2] as CheckDefinition], env(), { strict: true });
    expect(strict[0]?.status).toBe('failed');
  });

  it('evaluates needs before running a check', async () => {
    let ran = 0;
    const run = async () => {
      ran += 1;
    };
    const results = await runChecks(
      [
        check('n.control', run, { needs: [{ control: 'advance-clock' }] }),
        check('n.control-ok', run, { needs: [{ control: 'approve' }] }),
        check('n.mode', run, { needs: [{ mode: 'autonomous' }] }),
        check('n.method', run, { needs: [{ approvalMethod: 'ciba' }] }),
        check('n.endpoint', run, { needs: [{ endpoint: 'nonexistent' }] }),
        check('n.role', run, { needs: [{ capability: 'async' }] }),
        check('n.both', run, { needs: [{ control: 'reset' }, { mode: 'autonomous' }] }),
      ],
      env(),
    );
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['n.control', 'skipped'],
      ['n.control-ok', 'passed'],
      ['n.mode', 'not-applicable'],
      ['n.method', 'not-applicable'],
      ['n.endpoint', 'not-applicable'],
      ['n.role', 'not-applicable'],
      ['n.both', 'not-applicable'],
    ]);
    expect(results[0]?.message).toBe(
      'the control hook does not offer "advance-clock" (add it to enable the check; spec/control-contract.md)',
    );
    expect(ran).toBe(1);
    const noControl = await runChecks(
      [check('n.none', run, { needs: [{ control: 'approve' }] })],
      env({ control: undefined }),
    );
    expect(noControl[0]?.status).toBe('skipped');
  });

  it('bounds concurrency and runs exclusive checks alone, after the others', async () => {
    let active = 0;
    let maxActive = 0;
    const order: string[] = [];
    const busy = (id: string) => async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(id);
      active -= 1;
    };
    let activeDuringExclusive = -1;
    const exclusive = check(
      'e.exclusive',
      async () => {
        activeDuringExclusive = active;
        order.push('e.exclusive');
      },
      { exclusive: true },
    );
    const checks = [exclusive, ...Array.from({ length: 9 }, (_, i) => check(`e.${i}`, busy(`e.${i}`)))];
    const results = await runChecks(checks, env(), { concurrency: 3 });
    expect(maxActive).toBe(3);
    expect(activeDuringExclusive).toBe(0);
    expect(order.at(-1)).toBe('e.exclusive');
    expect(results[0]?.id).toBe('e.exclusive');
  });

  it('stops a check at its overall deadline and scores it by level', async () => {
    const started = Date.now();
    const results = await runChecks(
      [
        check('d.hang', () => new Promise<void>(() => undefined), { timeoutMs: 150 }),
        check('d.hang-should', () => new Promise<void>(() => undefined), { level: 'SHOULD' }),
      ],
      env(),
      { checkTimeoutMs: 150 },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results[0]?.status).toBe('failed');
    expect(results[0]?.message).toMatch(/timed out: the check did not finish within its 150 ms deadline/);
    expect(results[1]?.status).toBe('warning');
  });

  it('rejects duplicate check ids', async () => {
    const run = async () => undefined;
    await expect(runChecks([check('dup', run), check('dup', run)], env())).rejects.toThrow(/duplicate check id: dup/);
  });
});

describe('a run against a hostile server', () => {
  let server: LocalServer;
  let out: string;

  beforeAll(async () => {
    server = await startLocalServer({
      '/.well-known/agent-configuration': discoveryHandler(),
      '/capability/list': json(200, { capabilities: [{ name: 'ping', description: 'no input' }] }),
      '/capability/describe': json(200, { name: 'ping', description: 'no input' }),
      '/never': neverAnswers,
      '/huge': huge(10 * 1024 * 1024),
      '/text': (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html><script>alert(1)</script>'),
      '/close': closesSocket,
    });
    out = await mkdtemp(join(tmpdir(), 'aac-runner-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(out, { recursive: true, force: true });
  });

  function config(checks: CheckDefinition[], overrides: Partial<ServerRunConfig> = {}): ServerRunConfig {
    return {
      toolVersion: '0.0.0-test',
      url: server.url,
      embedded: false,
      checks,
      only: [],
      skip: [],
      strict: false,
      seed: 1,
      timeoutMs: 300,
      checkTimeoutMs: 3000,
      headers: {},
      formats: ['json'],
      ...overrides,
    };
  }

  const expectJsonCheck = (id: string, path: string) =>
    check(id, async (t: CheckContext) => {
      const result = await t.client.raw('GET', path);
      t.expectStatus(result, 200);
      t.expect(typeof result.json === 'object', 'no JSON');
    });

  it('finishes, scores every hostile answer as a failure and writes the failing exchanges', async () => {
    const checks = [
      expectJsonCheck('h.never', '/never'),
      expectJsonCheck('h.huge', '/huge'),
      expectJsonCheck('h.text', '/text'),
      expectJsonCheck('h.close', '/close'),
      check(
        'h.loop',
        async (t) => {
          for (;;) await t.client.raw('GET', '/never');
        },
        { timeoutMs: 1000 },
      ),
    ];
    const started = Date.now();
    const report = await runServerConformance(config(checks));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.exit_code).toBe(1);
    expect(report.setup.ok).toBe(true);
    expect(report.setup.profile?.sync).toBe('ping');
    const byId = Object.fromEntries(report.checks.map((r) => [r.id, r]));
    expect(byId['h.never']?.exchanges[0]?.error?.kind).toBe('timeout');
    expect(byId['h.huge']?.exchanges[0]?.error?.kind).toBe('too-large');
    expect(byId['h.text']?.message).toBe('no JSON');
    expect(byId['h.close']?.exchanges[0]?.error?.kind).toBe('connection-closed');
    expect(byId['h.loop']?.status).toBe('failed');
    for (const result of report.checks) expect(result.status).toBe('failed');
    expect(server.received.some((r) => r.headers['x-conformance-check'] === 'h.never')).toBe(true);

    const [path] = await writeReports(report, out, ['json']);
    const written = ReportSchema.parse(JSON.parse(await readFile(path as string, 'utf8')));
    expect(written.checks.find((c) => c.id === 'h.never')?.exchanges[0]?.request.url).toBe(`${server.url}/never`);
  });

  it('keeps exchanges of checks that did not pass, only a count for passing ones unless asked for all', async () => {
    const pinging = (id: string, pass: boolean) =>
      check(id, async (t: CheckContext) => {
        await t.client.raw('GET', '/capability/list');
        const second = await t.client.raw('GET', '/capability/list');
        if (!pass) t.expectStatus(second, 201, 'second listing');
      });
    const checks = [pinging('x.passes', true), pinging('x.fails', false)];
    const byId = (report: { checks: CheckResult[] }) => Object.fromEntries(report.checks.map((r) => [r.id, r]));

    const kept = byId(await runServerConformance(config(checks)));
    expect(kept['x.passes']).toMatchObject({ status: 'passed', exchange_count: 2, exchanges: [] });
    expect(kept['x.fails']).toMatchObject({ status: 'failed', exchange_count: 2 });
    expect(kept['x.fails']?.exchanges).toHaveLength(2);
    // The failure says what was expected, what came back and which exchange shows it.
    expect(kept['x.fails']).toMatchObject({
      failure: { expected: { status: 201 }, observed: { status: 200 }, exchange: 2 },
    });

    const all = byId(await runServerConformance(config(checks, { recordExchanges: 'all' })));
    expect(all['x.passes']?.exchanges).toHaveLength(2);
  });

  it('passes when nothing fails and honours --only/--skip', async () => {
    const checks = [
      check('ok.a', async () => undefined),
      check('ok.b', async (t) => t.fail('x')),
      check('other.c', async () => undefined),
    ];
    const report = await runServerConformance(config(checks, { only: ['ok.*', 'other'], skip: ['ok.b'] }));
    expect(report.checks.map((c) => c.id)).toEqual(['ok.a', 'other.c']);
    expect(report.exit_code).toBe(0);
  });

  it('reports an unreachable or unusable discovery as a setup error (exit 2)', async () => {
    const probe = await startLocalServer({});
    await probe.close();
    const unreachable = await runServerConformance(config([], { url: probe.url }));
    expect(unreachable.exit_code).toBe(2);
    expect(unreachable.setup.ok).toBe(false);
    expect(unreachable.setup.error).toMatch(/unreachable/);
    expect(unreachable.setup.exchanges[0]?.error?.kind).toBe('connection-refused');
    ReportSchema.parse(unreachable);

    const notJson = await runServerConformance(config([], { discoveryUrl: `${server.url}/text`, url: undefined }));
    expect(notJson.exit_code).toBe(2);
    expect(notJson.setup.error).toMatch(/JSON object/);

    const badControl = await runServerConformance(config([], { controlUrl: `${server.url}/text` }));
    expect(badControl.exit_code).toBe(2);
    expect(badControl.setup.error).toMatch(/control/);
  });
});
