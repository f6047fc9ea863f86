import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { registerServerCommand } from '../../src/cli/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

async function action(): Promise<Action> {
  return parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as Action;
}

/** The long options `server --help` lists. */
function serverOptions(): Set<string> {
  const program = new Command();
  registerServerCommand(program);
  const server = program.commands.find((command) => command.name() === 'server');
  return new Set((server?.options ?? []).map((option) => option.long ?? ''));
}

/** The run step's `option --flag "$INPUT_X"` / `flag --flag "$INPUT_X"` lines: which variable feeds which option. */
function passedOptions(step: Step): { option: string; variable: string }[] {
  return [...(step.run ?? '').matchAll(/^\s*(?:option|flag) (--[a-z-]+) "\$(INPUT_[A-Z_]+)"$/gm)].map((match) => ({
    option: match[1] as string,
    variable: match[2] as string,
  }));
}

function runStep(parsed: Action): Step {
  const step = parsed.runs.steps.find((candidate) => candidate.id === 'run');
  if (!step) throw new Error('action.yml has no step with id "run"');
  return step;
}

describe('the GitHub Action', () => {
  it('is a composite action whose every input is used by a step', async () => {
    const parsed = await action();
    expect(parsed.runs.using).toBe('composite');
    const text = JSON.stringify(parsed.runs.steps);
    for (const input of Object.keys(parsed.inputs)) expect(text, input).toContain(`inputs.${input} }}`);
  });

  it('passes each input of the run step to a real option of `server`, through the environment', async () => {
    const parsed = await action();
    const step = runStep(parsed);
    const known = serverOptions();
    const passed = passedOptions(step);
    expect(passed.length).toBeGreaterThan(5);
    for (const { option, variable } of passed) {
      expect(known, `${option} is not an option of server`).toContain(option);
      expect(step.env?.[variable], variable).toMatch(/^\$\{\{ inputs\.[a-z-]+ \}\}$/);
    }
    // Every input the run step receives reaches the CLI; none is pasted into the script itself.
    const fed = new Set(passed.map(({ variable }) => variable));
    for (const variable of Object.keys(step.env ?? {})) expect(fed, variable).toContain(variable);
    expect(step.run).not.toContain('${{');
  });

  it('publishes the summary and the reports even when the run fails, and then fails with its exit code', async () => {
    const steps = (await action()).runs.steps;
    const run = steps.findIndex((step) => step.id === 'run');
    const after = steps.slice(run + 1);
    expect(after.every((step) => (step as { if?: string }).if === 'always()')).toBe(true);
    expect(after.some((step) => step.run?.includes('GITHUB_STEP_SUMMARY'))).toBe(true);
    expect(after.some((step) => step.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    expect(after.at(-1)?.run).toContain('exit "$EXIT_CODE"');
  });

  it("runs the suite from the run step's script and sets its outputs", async () => {
    const parsed = await action();
    const dir = await mkdtemp(join(tmpdir(), 'aac-action-'));
    try {
      const output = join(dir, 'github-output');
      await writeFile(output, '');
      const out = join(dir, 'reports');
      const inputs: Record<string, string> = {
        INPUT_EMBEDDED: 'true',
        INPUT_ONLY: 'server.discovery.served,server.discovery.schema',
        INPUT_FORMATS: 'json,md',
        INPUT_OUT: out,
        INPUT_STRICT: 'true',
      };
      const env = Object.fromEntries(
        Object.keys(runStep(parsed).env ?? {}).map((variable) => [variable, inputs[variable] ?? '']),
      );
      // As the runner runs a composite step's bash: errexit and pipefail on.
      const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', runStep(parsed).run ?? ''], {
        env: { ...process.env, ...env, GITHUB_OUTPUT: output, GITHUB_ACTION_PATH: ROOT, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(result.status, result.stderr).toBe(0);
      expect(await readFile(output, 'utf8')).toBe(`exit-code=0\nverdict=conforming\nreport-dir=${out}\n`);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
      expect(report.checks).toHaveLength(2);
      expect(report.options.strict).toBe(true);
      expect(await readFile(join(out, 'summary.md'), 'utf8')).toMatch(/^# Agent Auth conformance/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
