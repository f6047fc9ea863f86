import { loadStateTable, type Cell, type Outcome } from '../../../src/catalogue/state-table.ts';
import { describeAnswer, errorCode, type HttpResult } from '../../../src/harness/api.ts';

/**
 * Judging answers against the cells of spec/state-table.yaml: the one oracle of the state machine,
 * shared by the exhaustive walk (suites/server/state/) and the model-based random walks
 * (suites/server/lifecycle/model.ts), so the two can never disagree about what is expected.
 */

/** The state table, loaded once. */
export const STATE_TABLE = loadStateTable();

/** The cell for `state` × `operation`; throws for a pair the table lacks (a suite defect). */
export function cellOf(state: string, operation: string): Cell {
  const cell = STATE_TABLE.cells[state]?.[operation];
  if (cell === undefined) throw new Error(`spec/state-table.yaml has no cell ${state} × ${operation}`);
  return cell;
}

/**
 * Whether an answer is an outcome of the state table. Pure: callers decide what a match means
 * (pass, warning under a ruling, failure).
 */
export function matches(outcome: Outcome, result: HttpResult, agentId: string): boolean {
  if (result.error) return false;
  const json = result.json as Record<string, unknown> | undefined;
  if ('ok' in outcome) {
    if (!outcome.ok.includes(result.status)) return false;
    return outcome.reports === undefined || json?.status === outcome.reports;
  }
  if ('refused' in outcome) {
    const code = errorCode(result);
    if (outcome.refused === 'any') return (result.status === 401 || result.status === 403) && code !== undefined;
    if (outcome.refused === 'any-error') return result.status >= 400 && result.status < 500 && code !== undefined;
    return outcome.refused.some(([status, name]) => status === result.status && name === code);
  }
  if ('introspection' in outcome) return result.status === 200 && json?.active === outcome.introspection;
  if ('listing' in outcome) return result.status === 200 && listingKind(json) === outcome.listing;
  if ('views-agree' in outcome) return true; // judged by the operation itself (operate.ts, views-agree)
  return (result.status === 200 || result.status === 201) && json?.agent_id === agentId;
}

/**
 * `authenticated` when the answer carries grant_status (on every listed capability, or on the
 * description), `anonymous` when it carries none, undefined for anything else.
 */
export function listingKind(json: Record<string, unknown> | undefined): 'authenticated' | 'anonymous' | undefined {
  if (json === undefined) return undefined;
  const entries: unknown[] = Array.isArray(json.capabilities) ? json.capabilities : [json];
  const marked = entries.filter(
    (entry) => typeof entry === 'object' && entry !== null && 'grant_status' in (entry as object),
  ).length;
  if (marked === 0) return 'anonymous';
  return marked === entries.length ? 'authenticated' : undefined;
}

export function describeOutcome(outcome: Outcome): string {
  if ('ok' in outcome) return `${outcome.ok.join('/')}${outcome.reports ? ` with status "${outcome.reports}"` : ''}`;
  if ('refused' in outcome) {
    if (outcome.refused === 'any') return 'a 401 or 403 error';
    if (outcome.refused === 'any-error') return 'a 4xx error';
    return outcome.refused.map(([status, code]) => `${status} ${code}`).join(' or ');
  }
  if ('introspection' in outcome) return `200 with active: ${outcome.introspection}`;
  if ('listing' in outcome)
    return outcome.listing === 'authenticated' ? '200 with grant_status' : '200 as to an anonymous caller';
  if ('views-agree' in outcome) return 'status, introspection, execution and listing telling the same state';
  return '200/201 naming the same agent';
}

export type Verdict =
  | { kind: 'expected' }
  | { kind: 'tolerated'; outcome: Outcome }
  | { kind: 'wrong'; message: string };

/** Judges one answer against its cell. */
export function judge(cell: Cell, result: HttpResult, agentId: string): Verdict {
  if (cell.expect.some((outcome) => matches(outcome, result, agentId))) return { kind: 'expected' };
  const tolerated = cell.tolerate?.find((outcome) => matches(outcome, result, agentId));
  if (tolerated !== undefined) return { kind: 'tolerated', outcome: tolerated };
  const wanted = cell.expect.map(describeOutcome).join('; or ');
  return { kind: 'wrong', message: `expected ${wanted}, got ${describeAnswer(result)}` };
}
