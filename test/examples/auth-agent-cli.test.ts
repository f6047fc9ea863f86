import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVIATIONS } from '../../examples/auth-agent-cli/analysis.ts';
import { certify, DEFAULT_OUT, scrub } from '../../examples/auth-agent-cli/certify.ts';
import { renderFindings } from '../../examples/auth-agent-cli/findings.ts';
import { launchCommand } from '../../examples/auth-agent-cli/launch.ts';
import { clientScenarios } from '../../suites/client/index.ts';
import { splitCommandLine } from '../../src/client-harness/drivers/placeholders.ts';
import type { ClientReport } from '../../src/model/index.ts';

/**
 * The @auth/agent-cli certification cannot run in CI (the client is built outside the repository);
 * these tests keep its published artifacts consistent with the code that produced them.
 */

async function published(): Promise<{ report: ClientReport; findings: string; texts: string[] }> {
  const files = ['report.json', 'report.md', 'report.html', 'FINDINGS.md'];
  const texts = await Promise.all(files.map((file) => readFile(join(DEFAULT_OUT, file), 'utf8')));
  return { report: JSON.parse(texts[0]!) as ClientReport, findings: texts[3]!, texts };
}

describe('@auth/agent-cli certification', () => {
  it('exits 2 with a clear message when the build location is not given', async () => {
    const lines: string[] = [];
    expect(await certify({ dist: '', stderr: (line) => lines.push(line) })).toBe(2);
    expect(lines.join('\n')).toMatch(/AGENT_CLI_DIST is not set/);
    expect(await certify({ dist: join(tmpdir(), 'no-such-agent-cli-build'), stderr: (line) => lines.push(line) })).toBe(
      2,
    );
    expect(lines.join('\n')).toMatch(/has no index\.js/);
  });

  it('launches the CLI in MCP mode with direct discovery and per-scenario state', () => {
    const argv = splitCommandLine(launchCommand('/opt/agent auth/dist'));
    expect(argv.slice(0, 3)).toEqual(['node', '/opt/agent auth/dist/index.js', 'mcp']);
    expect(argv.slice(3, 5)).toEqual(['--directory-url', '']);
    expect(argv).toContain('{tmp}/store');
    expect(argv.at(-1)).toBe('{issuer}');
  });

  it('scrubs the build location and temporary directories from a report', () => {
    const dist = join(tmpdir(), 'build', 'packages', 'cli', 'dist');
    const report = {
      target: { description: `MCP over stdio: ${launchCommand(dist)}` },
      checks: [{ message: `spawned ${join(tmpdir(), 'aac-client-Ab12Cd')}/store` }],
    } as unknown as ClientReport;
    const text = JSON.stringify(scrub(report, dist));
    expect(text).not.toContain(tmpdir());
    expect(text).toContain('node $AGENT_CLI_DIST/index.js mcp');
    expect(text).toContain('spawned {tmp}/store');
  });

  it('publishes reports without machine paths', async () => {
    const { texts } = await published();
    for (const text of texts) {
      expect(text).not.toContain(process.cwd());
      expect(text).not.toContain(`${tmpdir()}/`);
    }
  });

  it('publishes FINDINGS.md as rendered from the published report.json and the analysis', async () => {
    const { report, findings } = await published();
    expect(findings).toBe(renderFindings(report));
    for (const check of report.checks.filter((c) => c.status === 'failed' || c.status === 'warning'))
      expect(findings).toContain(`\`${check.id}\``);
  });

  it('analyses only scenarios the suite has', () => {
    const ids = new Set(clientScenarios.map((scenario) => scenario.id));
    for (const deviation of DEVIATIONS) for (const id of Object.keys(deviation.scenarios)) expect(ids).toContain(id);
  });
});
