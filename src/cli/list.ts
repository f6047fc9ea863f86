import type { Command } from 'commander';
import { serverChecks } from '../../suites/server/index.ts';
import type { CheckDefinition, CheckNeed } from '../harness/check.ts';
import { noCheckSelectedMessage, parsePatterns } from '../harness/patterns.ts';
import { selectChecks } from '../harness/runner.ts';
import { COMMAND_DESCRIPTIONS } from './descriptions.ts';
import { profileKeyForRole } from '../harness/target-profile.ts';

interface ListCliOptions {
  only: string[];
  skip: string[];
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** What a need asks of the target or the run, in the words of the option or profile key that meets it. */
export function describeNeed(need: CheckNeed): string {
  if ('control' in need) return `control hook "${need.control}" (--control-url)`;
  if ('mode' in need) return `${need.mode} mode advertised`;
  if ('approvalMethod' in need) return `approval method ${need.approvalMethod} advertised`;
  if ('endpoint' in need) return `discovery endpoint "${need.endpoint}"`;
  return `profile key "${profileKeyForRole(need.capability)}" (--profile)`;
}

function entry(check: CheckDefinition) {
  return {
    id: check.id,
    title: check.title,
    area: check.area,
    level: check.level,
    requirements: check.requirements,
    rulings: check.rulings ?? [],
    needs: (check.needs ?? []).map(describeNeed),
    ...(check.cell && { cell: check.cell }),
  };
}

/** `list`: the server checks a run with these patterns would run, each with what it needs (a dry run). */
export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description(COMMAND_DESCRIPTIONS.list)
    .option('--only <pattern>', 'only checks matching (glob on ids, comma-separated; repeatable)', collect, [])
    .option('--skip <pattern>', 'leave out checks matching (glob on ids, comma-separated; repeatable)', collect, [])
    .option('--json', 'one JSON array instead of text')
    .action((options: ListCliOptions) => {
      const selected = selectChecks(serverChecks, parsePatterns(options.only), parsePatterns(options.skip));
      // The same usage error a run with these patterns would be, said before anyone relies on the empty list.
      if (selected.length === 0) {
        process.stderr.write(`list: ${noCheckSelectedMessage(serverChecks.length)}\n`);
        process.exitCode = 2;
        return;
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(selected.map(entry), null, 2)}\n`);
        return;
      }
      for (const check of selected.map(entry)) {
        const needs = check.needs.length > 0 ? ` · needs ${check.needs.join(', ')}` : '';
        process.stdout.write(`${check.id}  [${check.level}, ${check.area}]  ${check.requirements.join(' ')}${needs}\n`);
      }
      process.stdout.write(`${selected.length} of ${serverChecks.length} checks\n`);
    });
}
