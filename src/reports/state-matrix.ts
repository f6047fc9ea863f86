import type { CheckResult, CheckStatus, Report } from '../model/index.ts';

/** The state walk's results as a matrix: one row per state, one column per operation (spec/state-table.yaml). */
export interface StateMatrix {
  states: string[];
  operations: string[];
  /** `cells[state][operation]`: the check walking that cell, when the run has one. */
  cells: Record<string, Record<string, { check: string; status: CheckStatus }>>;
}

/** Builds the matrix from the checks that carry a cell, in the order the run reported them; undefined when none. */
export function stateMatrix(report: Report): StateMatrix | undefined {
  const walked = report.checks.filter((check): check is CheckResult & { cell: NonNullable<CheckResult['cell']> } =>
    Boolean(check.cell),
  );
  if (walked.length === 0) return undefined;
  const states: string[] = [];
  const operations: string[] = [];
  const cells: StateMatrix['cells'] = {};
  for (const check of walked) {
    const { state, operation } = check.cell;
    if (!states.includes(state)) states.push(state);
    if (!operations.includes(operation)) operations.push(operation);
    cells[state] ??= {};
    (cells[state] as Record<string, { check: string; status: CheckStatus }>)[operation] = {
      check: check.id,
      status: check.status,
    };
  }
  return { states, operations, cells };
}
