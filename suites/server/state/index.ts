import { tableCells, type Cell, type StateTable } from '../../../src/catalogue/state-table.ts';
import { defineCheck, describeAnswer, type CheckContext, type CheckDefinition } from '../../../src/harness/api.ts';
import { describeOutcome, judge, STATE_TABLE } from '../_shared/state-cells.ts';
import { OPERATIONS } from './operate.ts';
import { uniqueNeeds } from './needs.ts';
import { REACH, type Subject } from './reach.ts';
import { checks as transitionChecks } from './transitions.ts';

/**
 * The state machine walked cell by cell: one check per state × operation of spec/state-table.yaml.
 * Each brings a fresh agent (under a host of its own) into the state, performs the operation once
 * and scores the answer against the cell; where the cell names the state the agent must be in
 * afterwards, status must report it. The table is the oracle: these checks hold no expectations of
 * their own.
 */

const unique = (values: readonly string[]) => [...new Set(values)];

function cellCheck(table: StateTable, state: string, operation: string, cell: Cell): CheckDefinition {
  const row = table.states[state];
  const op = OPERATIONS[operation];
  const reach = REACH[state];
  const title = table.operations[operation]?.title;
  if (row === undefined || op === undefined || reach === undefined || title === undefined)
    throw new Error(`state table cell ${state} × ${operation} has no walker (suites/server/state/)`);
  const what = `${title}, for ${row.title}`;
  return defineCheck({
    id: `server.state.${state}.${operation}`,
    title: `${row.title[0]?.toUpperCase()}${row.title.slice(1)}: ${title}`,
    area: 'state',
    requirements: unique([...row.requirements, ...cell.requirements]),
    rulings: unique([...(row.rulings ?? []), ...(cell.rulings ?? [])]),
    level: cell.level,
    needs: uniqueNeeds([...reach.needs, ...op.needs, { mode: row.mode ?? 'delegated' }]),
    cell: { state, operation },
    async run(t: CheckContext) {
      const subject = await reach.reach(t);
      const answer = await op.perform(t, subject);
      const verdict = judge(cell, answer, subject.agent.agentId);
      const detail = { expected: cell.expect.map(describeOutcome).join('; or '), exchange: answer.exchange.seq };
      if (verdict.kind === 'wrong')
        t.fail(`${what}: ${verdict.message}`, { ...detail, observed: describeAnswer(answer) });
      if (cell.after !== undefined) await expectAfter(t, subject, cell.after, what);
      if (verdict.kind === 'tolerated') {
        t.tolerated(
          `${what}: answered ${describeAnswer(answer)}, accepted only with a warning by ${(cell.rulings ?? []).join(', ')} (expected ${detail.expected})`,
          { ...detail, observed: describeAnswer(answer) },
        );
      }
    },
  });
}

/** The state status must report once the operation is done: it must not depend on which endpoint moved it. */
async function expectAfter(t: CheckContext, subject: Subject, wanted: string, what: string): Promise<void> {
  const last = await t.client.awaitAgentStatus(subject.agent, wanted);
  if (last.json?.status !== wanted)
    t.fail(`${what}: afterwards status must report "${wanted}", got ${describeAnswer(last)}`, {
      expected: `status "${wanted}"`,
      observed: describeAnswer(last),
      exchange: last.exchange.seq,
    });
}

export const checks: CheckDefinition[] = [
  ...tableCells(STATE_TABLE).map(({ state, operation, cell }) => cellCheck(STATE_TABLE, state, operation, cell)),
  ...transitionChecks,
];
