import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/load.ts';
import { loadRulings } from '../../src/catalogue/rulings.ts';
import { loadStateTable, tableCells } from '../../src/catalogue/state-table.ts';
import { serverChecks } from '../../suites/server/index.ts';

describe('spec/state-table.yaml', () => {
  const table = loadStateTable();
  const cells = tableCells(table);

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
  });

  it('decides every tolerated answer by a ruling', () => {
    const unruled = cells.filter(({ cell }) => (cell.tolerate?.length ?? 0) > 0 && (cell.rulings?.length ?? 0) === 0);
    expect(unruled.map(({ state, operation }) => `${state}.${operation}`)).toEqual([]);
  });

  it('is walked by one server check per cell', () => {
    const walked = serverChecks.filter((check) => check.cell !== undefined).map((check) => check.id);
    expect(walked).toEqual(cells.map(({ state, operation }) => `server.state.${state}.${operation}`));
  });
});
