import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load.ts';
import { loadRulings } from '../../src/catalogue/rulings.ts';
import { loadStateTable, tableCells, tableTransitions } from '../../src/catalogue/state-table.ts';
import { serverChecks } from '../../suites/server/index.ts';

describe('spec/state-table.yaml', () => {
  const table = loadStateTable();
  const cells = tableCells(table);
  const transitions = tableTransitions(table);
  const happening = transitions.flatMap(({ state, event, transition }) =>
    'none' in transition ? [] : [{ state, event, transition }],
  );

  it('has a cell for every state × operation, each citing requirements', () => {
    expect(cells.length).toBe(Object.keys(table.states).length * Object.keys(table.operations).length);
    for (const { cell } of cells) expect(cell.requirements.length).toBeGreaterThan(0);
  });

  it('cites only requirements of the catalogue and rulings of spec/rulings.yaml', () => {
    const requirements = new Set(loadCatalogue().map((requirement) => requirement.id));
    const rulings = new Set(loadRulings().map((ruling) => ruling.id));
    const cited = cells.flatMap(({ state, cell }) => [
      ...cell.requirements,
      ...(table.states[state]?.requirements ?? []),
    ]);
    expect(cited.filter((id) => !requirements.has(id))).toEqual([]);
    const ruled = cells.flatMap(({ cell }) => cell.rulings ?? []);
    expect(ruled.filter((id) => !rulings.has(id))).toEqual([]);
    const answers = Object.values(table.events).flatMap((event) => Object.values(event.answers ?? {}));
    const transitionCited = [
      ...happening.flatMap(({ transition }) => transition.requirements),
      ...answers.flatMap((cell) => cell.requirements),
    ];
    expect(transitionCited.filter((id) => !requirements.has(id))).toEqual([]);
    const transitionRuled = [
      ...happening.flatMap(({ transition }) => transition.rulings ?? []),
      ...answers.flatMap((cell) => cell.rulings ?? []),
    ];
    expect(transitionRuled.filter((id) => !rulings.has(id))).toEqual([]);
  });

  it('says what every event does in every state, or why it cannot happen there', () => {
    expect(transitions.length).toBe(Object.keys(table.states).length * Object.keys(table.events).length);
    // Host revocation reaches agents in every state; so do the clocks (issue: no state left unsaid).
    for (const event of ['host-revoke', 'expire-session', 'expire-max', 'expire-absolute'])
      expect(transitions.filter((entry) => entry.event === event && 'none' in entry.transition)).toEqual([]);
  });

  it('accepts more than one outcome of a transition only under a ruling', () => {
    const unruled = happening.filter(
      ({ transition }) =>
        ((transition.agent?.length ?? 0) > 1 || (transition.agent !== undefined && transition['out-of-service'])) &&
        (transition.rulings?.length ?? 0) === 0,
    );
    expect(unruled.map(({ state, event }) => `${state}.on-${event}`)).toEqual([]);
  });

  it('decides every tolerated answer by a ruling', () => {
    const unruled = cells.filter(({ cell }) => (cell.tolerate?.length ?? 0) > 0 && (cell.rulings?.length ?? 0) === 0);
    expect(unruled.map(({ state, operation }) => `${state}.${operation}`)).toEqual([]);
  });

  it('is walked by one server check per cell and per transition that can happen', () => {
    const walked = serverChecks.filter((check) => check.cell !== undefined).map((check) => check.id);
    expect(walked).toEqual([
      ...cells.map(({ state, operation }) => `server.state.${state}.${operation}`),
      ...happening.map(({ state, event }) => `server.state.${state}.on-${event}`),
    ]);
  });
});
