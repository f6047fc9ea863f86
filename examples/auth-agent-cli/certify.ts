/**
 * Certification run of the third-party client `@auth/agent-cli` 0.4.5 (MCP mode, with its SDK
 * `@auth/agent` 0.4.5): runs the whole client suite against it over MCP stdio, one fresh CLI process,
 * state directory and simulator per scenario, with the declared name mappings of `profile.json`,
 * writes report.json, report.md and report.html, and renders FINDINGS.md from report.json and the
 * hand-written analysis in analysis.ts. Exit code as for `agent-auth-conformance client`.
 *
 *   AGENT_CLI_DIST=<path to packages/cli/dist> tsx examples/auth-agent-cli/certify.ts \
 *     [--out <dir>] [--seed <n>] [--only <pattern>] [--quiet]
 *
 * The CLI is not part of this repository and cannot be built by CI: AGENT_CLI_DIST points at the
 * `dist` directory of a build made as README.md describes. Without it the run stops with exit code 2.
 *
 * The reports name no machine-specific paths: the CLI's location is recorded as `$AGENT_CLI_DIST`
 * and the per-scenario state directories as `{tmp}`, as in the command template.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runClientCommand } from '../../src/cli/client.ts';
import type { ClientReport } from '../../src/model/index.ts';
import { writeReports } from '../../src/reports/write.ts';
import { renderFindings } from './findings.ts';
import { DIST_PLACEHOLDER, LAUNCH_ENV, launchCommand } from './launch.ts';

const here = (file: string) => relative(process.cwd(), fileURLToPath(new URL(file, import.meta.url))) || '.';

export const DEFAULT_OUT = here('../../reports/auth-agent-cli-0.4.5');
export const PROFILE = here('./profile.json');
/** A fixed seed, so two certification runs make the same choices. */
export const DEFAULT_SEED = '1';
/** Per tool call. The CLI blocks connect_agent until an approval completes; scenarios ask for more where they wait. */
export const CALL_TIMEOUT_MS = '20000';
/** Per scenario, for scenarios that set no deadline of their own. */
export const SCENARIO_TIMEOUT_MS = '60000';

export interface CertifyOptions {
  /** The CLI's build output (packages/cli/dist); default: the AGENT_CLI_DIST environment variable. */
  dist?: string;
  out?: string;
  seed?: string;
  only?: string[];
  quiet?: boolean;
  stderr?: (line: string) => void;
}

/** Runs the certification; returns the exit code (0 conforming, 1 failures, 2 setup error). */
export async function certify(options: CertifyOptions = {}): Promise<number> {
  const write = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const given = options.dist ?? process.env['AGENT_CLI_DIST'];
  if (given === undefined || given.trim() === '') {
    write(
      'AGENT_CLI_DIST is not set: point it at packages/cli/dist of an @auth/agent-cli 0.4.5 build (see examples/auth-agent-cli/README.md)',
    );
    return 2;
  }
  const dist = resolve(given);
  if (!existsSync(join(dist, 'index.js'))) {
    write(
      `AGENT_CLI_DIST=${given} has no index.js: build @auth/agent-cli first (see examples/auth-agent-cli/README.md)`,
    );
    return 2;
  }
  const out = options.out ?? DEFAULT_OUT;
  const only = options.only ?? [];
  const code = await runClientCommand(
    {
      driver: 'mcp',
      command: launchCommand(dist),
      env: LAUNCH_ENV,
      profile: PROFILE,
      out,
      format: 'json,html,md',
      only,
      skip: [],
      seed: options.seed ?? DEFAULT_SEED,
      timeout: CALL_TIMEOUT_MS,
      scenarioTimeout: SCENARIO_TIMEOUT_MS,
      concurrency: '2',
      recordExchanges: 'failures',
      quiet: options.quiet ?? false,
    },
    // The closing "reports:" line names the files before the rename below.
    { stderr: (line) => write(line.startsWith('reports: ') ? line.replace('summary.md', 'report.md') : line) },
  );
  // The reports are written again without machine paths, then the Markdown file gets its name here.
  const report = scrub(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as ClientReport, dist);
  await writeReports(report, out, ['json', 'html', 'md']);
  await rename(join(out, 'summary.md'), join(out, 'report.md'));
  if (only.length === 0) {
    await writeFile(join(out, 'FINDINGS.md'), renderFindings(report), 'utf8');
  } else if (!options.quiet) {
    write('FINDINGS.md is rendered for complete runs only (this one used --only)');
  }
  return code;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The report with machine paths replaced: the CLI's location by `$AGENT_CLI_DIST`, each scenario's
 * temporary state directory by `{tmp}` (what the command template calls it), the working directory by `.`.
 */
export function scrub(report: ClientReport, dist: string): ClientReport {
  let text = JSON.stringify(report);
  text = text.replaceAll(JSON.stringify(dist).slice(1, -1), DIST_PLACEHOLDER);
  const temp = JSON.stringify(join(tmpdir(), 'aac-client-')).slice(1, -1);
  text = text.replace(new RegExp(`${escapeRegExp(temp)}[A-Za-z0-9]+`, 'g'), '{tmp}');
  text = text.replaceAll(JSON.stringify(process.cwd()).slice(1, -1), '.');
  return JSON.parse(text) as ClientReport;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string', multiple: true },
      quiet: { type: 'boolean' },
    },
  });
  process.exitCode = await certify({
    out: values.out,
    seed: values.seed,
    only: values.only ?? [],
    quiet: values.quiet,
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
