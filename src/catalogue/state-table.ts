import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { specPath } from '../package-files.ts';

/**
 * spec/state-table.yaml: the protocol's state machine as data. For each state a host, agent and
 * grant can be brought into, and each operation, the answer the spec (and, where it is silent or
 * contradicts itself, a ruling) expects. The server suite's state checks are generated from it.
 */

const AgentStatus = z.enum(['pending', 'active', 'expired', 'revoked', 'rejected', 'claimed']);
export type AgentStatus = z.infer<typeof AgentStatus>;

const RequirementId = z.string().regex(/^AAP-/);
const RulingId = z.string().regex(/^RUL-/);
const ErrorCode = z.string().regex(/^[a-z_]+$/);

export const OutcomeSchema = z.union([
  z.strictObject({ ok: z.array(z.number().int().min(200).max(299)).min(1), reports: AgentStatus.optional() }),
  z.strictObject({
    /** `any`: any 401/403 error object; `any-error`: any 4xx error object; else these status/code pairs. */
    refused: z.union([
      z.literal('any'),
      z.literal('any-error'),
      z.array(z.tuple([z.number().int().min(400).max(499), ErrorCode])).min(1),
    ]),
  }),
  z.strictObject({ introspection: z.boolean() }),
  z.strictObject({ listing: z.enum(['authenticated', 'anonymous']) }),
  z.strictObject({ 'same-agent': z.literal(true) }),
  /**
   * Status, introspection, execution and an agent-JWT listing tell the same state: introspection is
   * active exactly when status says active, and no view serves an agent status calls non-active.
   */
  z.strictObject({ 'views-agree': z.literal(true) }),
]);
export type Outcome = z.infer<typeof OutcomeSchema>;

export const CellSchema = z.strictObject({
  level: z.enum(['MUST', 'SHOULD']),
  requirements: z.array(RequirementId).min(1),
  rulings: z.array(RulingId).optional(),
  expect: z.array(OutcomeSchema).min(1),
  /** Accepted with a warning, under a ruling. */
  tolerate: z.array(OutcomeSchema).optional(),
  /** The status GET /agent/status must report after the operation. */
  after: AgentStatus.optional(),
});
export type Cell = z.infer<typeof CellSchema>;

export const StateSchema = z.strictObject({
  title: z.string().min(1),
  agent: AgentStatus,
  host: z.enum(['active', 'pending', 'revoked']),
  grant: z.enum(['active', 'pending', 'denied', 'revoked']),
  /** Which capability the state's grant is for: the sync role's, or the one the agent asked for. */
  subject: z.enum(['sync', 'requested']),
  /** The agent's mode; delegated unless said. */
  mode: z.enum(['delegated', 'autonomous']).optional(),
  requirements: z.array(RequirementId).min(1),
  rulings: z.array(RulingId).optional(),
});
export type StateRow = z.infer<typeof StateSchema>;

export const OperationSchema = z.strictObject({
  title: z.string().min(1),
  /** Whose token the request carries. */
  auth: z.enum(['agent', 'host', 'none']),
});

/** An event that moves agents and grants without being an operation on the agent itself. */
export const EventSchema = z.strictObject({
  title: z.string().min(1),
  /** The operator hook operation that makes it happen; absent when the host does it through the protocol. */
  control: z.string().min(1).optional(),
  /** For the host's own requests: what the request must answer, by the state's host state. */
  answers: z.partialRecord(z.enum(['active', 'pending', 'revoked']), CellSchema).optional(),
});

/** What an event leaves behind in one state (see the comment above `transitions` in the YAML). */
export const TransitionSchema = z.union([
  z.strictObject({ none: z.string().min(1) }),
  z
    .strictObject({
      level: z.enum(['MUST', 'SHOULD']),
      requirements: z.array(RequirementId).min(1),
      rulings: z.array(RulingId).optional(),
      /** Statuses GET /agent/status may report afterwards. */
      agent: z.array(AgentStatus).min(1).optional(),
      /** The host is revoked: status is refused, introspection inactive, and approval does not revive it. */
      'out-of-service': z.literal(true).optional(),
      /** The state's grant as status reports it afterwards (`gone`: no active grant for it). */
      grant: z.enum(['active', 'denied', 'gone']).optional(),
      /** Whether executing the state's capability afterwards succeeds. */
      executes: z.boolean().optional(),
    })
    .refine((cell) => cell.agent !== undefined || cell['out-of-service'] === true, {
      message: 'a transition says what status reports (agent) or that the agent is out of service',
    }),
]);
export type Transition = z.infer<typeof TransitionSchema>;
export type TransitionOutcome = Exclude<Transition, { none: string }>;

/** Every key of `rows` is in `known` and every key of `known` has a row: the grid is complete. */
function completeGrid(
  ctx: z.RefinementCtx,
  path: string,
  rows: Record<string, Record<string, unknown>>,
  states: readonly string[],
  columns: readonly string[],
): void {
  for (const state of states) {
    const row = rows[state];
    if (row === undefined) {
      ctx.addIssue({ code: 'custom', message: `state "${state}" has no ${path}`, path: [path] });
      continue;
    }
    for (const column of columns)
      if (row[column] === undefined)
        ctx.addIssue({ code: 'custom', message: `no ${path} entry for ${state} × ${column}`, path: [path, state] });
    for (const column of Object.keys(row))
      if (!columns.includes(column))
        ctx.addIssue({ code: 'custom', message: `unknown column "${column}"`, path: [path, state] });
  }
  for (const state of Object.keys(rows))
    if (!states.includes(state))
      ctx.addIssue({ code: 'custom', message: `${path} for unknown state "${state}"`, path: [path] });
}

export const StateTableSchema = z
  .strictObject({
    version: z.literal(1),
    states: z.record(z.string().regex(/^[a-z-]+$/), StateSchema),
    operations: z.record(z.string().regex(/^[a-z-]+$/), OperationSchema),
    /** Named outcomes the cells share (YAML anchors); not read beyond validation. */
    outcomes: z.record(z.string(), OutcomeSchema).optional(),
    cells: z.record(z.string(), z.record(z.string(), CellSchema)),
    events: z.record(z.string().regex(/^[a-z-]+$/), EventSchema),
    /** Named transition outcomes (YAML anchors); not read beyond validation. */
    'transition-outcomes': z.record(z.string(), TransitionSchema).optional(),
    transitions: z.record(z.string(), z.record(z.string(), TransitionSchema)),
  })
  .superRefine((table, ctx) => {
    // Every state has a cell for every operation and an entry for every event, and nothing else.
    const states = Object.keys(table.states);
    completeGrid(ctx, 'cells', table.cells, states, Object.keys(table.operations));
    completeGrid(ctx, 'transitions', table.transitions, states, Object.keys(table.events));
  });
export type StateTable = z.infer<typeof StateTableSchema>;

const DEFAULT_FILE = specPath('state-table.yaml');

/**
 * Loads and validates the state table. Cells share outcomes through YAML anchors and merge keys; the
 * file is the project's own, so the alias count guarding against hostile YAML is lifted.
 */
export function loadStateTable(file: string = DEFAULT_FILE): StateTable {
  const parsed = StateTableSchema.safeParse(parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 }));
  if (!parsed.success) throw new Error(`${file} is not a valid state table:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The cells in table order: state by state, each in operation order. */
export function tableCells(table: StateTable): { state: string; operation: string; cell: Cell }[] {
  return Object.keys(table.states).flatMap((state) =>
    Object.keys(table.operations).map((operation) => ({
      state,
      operation,
      cell: table.cells[state]?.[operation] as Cell,
    })),
  );
}

/** The transitions in table order, state by state, each in event order; `none` entries included. */
export function tableTransitions(table: StateTable): { state: string; event: string; transition: Transition }[] {
  return Object.keys(table.states).flatMap((state) =>
    Object.keys(table.events).map((event) => ({
      state,
      event,
      transition: table.transitions[state]?.[event] as Transition,
    })),
  );
}
