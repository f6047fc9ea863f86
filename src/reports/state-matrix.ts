import type { CheckResult, CheckStatus, Report } from '../model/index.ts';

/**
 * The state walk's results as a matrix: one row per state, one column per operation and one per
 * event of the transitions (spec/state-table.yaml). Transition checks carry `on-<event>` as their
 * cell's operation.
 */
export interface StateMatrix {
  states: string[];
  operations: string[];
  /** Transition columns, as their cell's operation (`on-<event>`). */
  events: string[];
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
  const events: string[] = [];
  const cells: StateMatrix['cells'] = {};
  for (const check of walked) {
    const { state, operation } = check.cell;
    if (!states.includes(state)) states.push(state);
    const columns = operation.startsWith('on-') ? events : operations;
    if (!columns.includes(operation)) columns.push(operation);
    cells[state] ??= {};
    (cells[state] as Record<string, { check: string; status: CheckStatus }>)[operation] = {
      check: check.id,
      status: check.status,
    };
  }
  return { states, operations, events, cells };
}
