/**
 * Certification run of the better-auth reference target: starts it on a free loopback port, runs
 * the whole server suite against it with its control adapter and profile, writes report.json,
 * report.md and report.html, renders FINDINGS.md from report.json and the hand-written analysis in
 * analysis.ts (findings.ts), and stops the target. Exit code as for `agent-auth-conformance server`.
 *
 *   tsx examples/better-auth/certify.ts [--out <dir>] [--seed <n>] [--baseline <file> | --no-baseline]
 *     [--settings conformance|library-defaults]
 *
 * The profile and baseline paths recorded in the reports are relative to the working directory
 * (the repository root under `npm run certify:better-auth`), so they name no machine-specific paths.
 */
import { rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runServerCommand } from '../../src/cli/server.ts';
import type { TargetSettings } from './auth.ts';
import { writeFindings } from './findings.ts';
import { startBetterAuthTarget } from './server.ts';

const here = (file: string) => relative(process.cwd(), fileURLToPath(new URL(file, import.meta.url))) || '.';

export const DEFAULT_OUT = here('../../reports/better-auth-agent-auth-0.6.2');
/** Where the run against the library's own protection settings goes, beside the default one. */
export const LIBRARY_DEFAULTS_OUT = join(DEFAULT_OUT, 'library-defaults');
export const PROFILE = here('./profile.json');
export const BASELINE = here('./baseline.json');
/** A fixed seed, so two certification runs make the same choices. */
export const DEFAULT_SEED = '1';

export interface CertifyOptions {
  out?: string;
  seed?: string;
  /** Baseline of known deviations; null runs without one. */
  baseline?: string | null;
  quiet?: boolean;
  stderr?: (line: string) => void;
  /** The target's protection settings (default 'conformance'). */
  settings?: TargetSettings;
  /** Checks run at once (--concurrency); by default the harness chooses, as for any target. */
  concurrency?: number;
}

/** Runs the certification; returns the exit code (0 clean relative to the baseline, 1 failures, 2 setup error). */
export async function certify(options: CertifyOptions = {}): Promise<number> {
  const settings = options.settings ?? 'conformance';
  const out = options.out ?? (settings === 'conformance' ? DEFAULT_OUT : LIBRARY_DEFAULTS_OUT);
  // The baseline records the deviations of the conformance settings; the other run is published as it is.
  const baseline = options.baseline === undefined ? (settings === 'conformance' ? BASELINE : null) : options.baseline;
  const write = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const target = await startBetterAuthTarget({ settings });
  try {
    const code = await runServerCommand(
      {
        url: target.origin,
        controlUrl: target.controlUrl,
        profile: PROFILE,
        ...(baseline === null ? {} : { baseline }),
        out,
        format: 'json,html,md',
        only: [],
        skip: [],
        seed: options.seed ?? DEFAULT_SEED,
        timeout: '5000',
        checkTimeout: '30000',
        header: [],
        ...(options.concurrency === undefined ? {} : { concurrency: String(options.concurrency) }),
        quiet: options.quiet ?? false,
      },
      // The closing "reports:" line names the files before the rename below.
      { stderr: (line) => write(line.startsWith('reports: ') ? line.replace('summary.md', 'report.md') : line) },
    );
    // The Markdown writer names its file summary.md; this report directory calls it report.md.
    await rename(join(out, 'summary.md'), join(out, 'report.md'));
    // Every run is complete (the suite has no --only here), so its findings are rendered for either settings.
    await writeFindings(out, settings);
    return code;
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      baseline: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      quiet: { type: 'boolean' },
      settings: { type: 'string' },
    },
  });
  const baseline = values['no-baseline'] ? null : values.baseline;
  const settings = values.settings ?? 'conformance';
  if (settings !== 'conformance' && settings !== 'library-defaults') {
    throw new Error(`--settings is conformance or library-defaults, not ${settings}`);
  }
  process.exitCode = await certify({ out: values.out, seed: values.seed, baseline, quiet: values.quiet, settings });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
