import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConformanceOptionsError,
  ReportSchema,
  runClientSuite,
  runServerSuite,
  startSimulator,
  type Simulator,
} from '../../src/index.ts';

/** The public entry point, used as a CI job in a test runner would: a few areas, not the whole suite. */
describe('library API', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'aac-api-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('runs the server suite against the embedded simulator and writes the reports asked for', async () => {
    const report = await runServerSuite({
      embedded: true,
      only: ['server.discovery.*'],
      seed: 1,
      out,
      formats: ['json'],
    });
    expect(ReportSchema.parse(report).kind).toBe('server');
    expect(report.setup.ok).toBe(true);
    expect(report.summary.counts.failed).toBe(0);
    expect(report.checks.length).toBeGreaterThan(5);
    expect(report.checks.every((check) => check.id.startsWith('server.discovery.'))).toBe(true);
    expect(await readdir(out)).toEqual(['report.json']);
  });

  describe('against a simulator it started', () => {
    let simulator: Simulator;
    beforeAll(async () => {
      simulator = await startSimulator();
    });
    afterAll(() => simulator.close());

    it('serves discovery at the URL it hands out', async () => {
      const response = await fetch(`${simulator.url}/.well-known/agent-configuration`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { issuer: string }).issuer).toBe(simulator.url);
    });

    it('is certified by the server suite through url, control hook and profile', async () => {
      const report = await runServerSuite({
        url: simulator.url,
        controlUrl: simulator.controlUrl,
        profile: simulator.profile,
        only: ['server.capabilities.*'],
        seed: 1,
      });
      expect(report.exit_code).toBe(0);
      expect(report.summary.counts.passed).toBeGreaterThan(0);
      expect(report.target.url).toBe(simulator.url);
    });

    it('reports a target that is not an Agent Auth server as a setup failure, not a throw', async () => {
      const report = await runServerSuite({ url: `${simulator.url}/nothing-here`, only: ['server.discovery.*'] });
      expect(report.exit_code).toBe(2);
      expect(report.setup.ok).toBe(false);
    });
  });

  it('throws on options that describe no run', async () => {
    await expect(runServerSuite({})).rejects.toBeInstanceOf(ConformanceOptionsError);
    await expect(runServerSuite({ embedded: true, only: ['no.such.check'] })).rejects.toBeInstanceOf(
      ConformanceOptionsError,
    );
    await expect(runServerSuite({ embedded: true, url: 'http://127.0.0.1:1' })).rejects.toBeInstanceOf(
      ConformanceOptionsError,
    );
  });

  it('runs the client suite against the reference client', async () => {
    const report = await runClientSuite({
      client: {
        driver: 'mcp',
        command: `${process.execPath} --import tsx src/reference-client/main.ts --provider {issuer} --state-dir {tmp} --allow-insecure-loopback`,
      },
      only: ['client.discovery.unknown-members-tolerated'],
      seed: 1,
    });
    expect(report.kind).toBe('client');
    expect(report.checks.map((check) => check.id)).toEqual(['client.discovery.unknown-members-tolerated']);
    expect(report.exit_code).toBe(0);
  });
});
