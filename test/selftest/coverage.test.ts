import { describe, expect, it } from 'vitest';
import { serverChecks } from '../../suites/server/index.ts';
import { loadCatalogue } from '../../src/catalogue/load.ts';
import { loadRulings } from '../../src/catalogue/rulings.ts';
import type { Requirement } from '../../src/catalogue/schema.ts';
import { loadUncovered } from '../../src/catalogue/uncovered.ts';

const catalogue = loadCatalogue();
const byId = new Map(catalogue.map((requirement) => [requirement.id, requirement]));
const uncovered = loadUncovered();

/** Requirement id → ids of the checks citing it. */
const citing = new Map<string, string[]>();
for (const check of serverChecks) {
  for (const id of check.requirements) citing.set(id, [...(citing.get(id) ?? []), check.id]);
}

/** What a harness playing the client can see of a server: its own wire behaviour, or via operator hooks. */
function serverObservable(requirement: Requirement): boolean {
  return (
    (requirement.role === 'server' || requirement.role === 'resource-server') &&
    (requirement.observable === 'black-box-server' || requirement.observable === 'operator')
  );
}

const observable = catalogue.filter(serverObservable);

describe('requirement coverage of the server suite', () => {
  it('cites only requirement ids the catalogue defines', () => {
    const unknown = [...citing]
      .filter(([id]) => !byId.has(id))
      .map(([id, checks]) => `${id} (cited by ${checks.join(', ')})`);
    expect(unknown).toEqual([]);
  });

  it('cites every server-observable requirement, or lists it in spec/uncovered.yaml with a reason', () => {
    const listed = new Set(uncovered.map((entry) => entry.id));
    const missing = observable
      .filter((r) => !citing.has(r.id) && !listed.has(r.id))
      .map((r) => `${r.id} (${r.level}, ${r.observable}): ${r.summary}`);
    const covered = observable.filter((r) => citing.has(r.id)).length;
    const percent = observable.length === 0 ? 100 : (100 * covered) / observable.length;
    console.info(
      `requirement coverage: ${covered} of ${observable.length} server-observable requirements cited by a check (${percent.toFixed(1)}%); ` +
        `${uncovered.length} listed as uncovered`,
    );
    expect(missing, `neither cited nor listed in spec/uncovered.yaml:\n  ${missing.join('\n  ')}`).toEqual([]);
  });

  it('lists as uncovered only server-observable requirements no check cites', () => {
    const problems = uncovered.flatMap((entry) => {
      const requirement = byId.get(entry.id);
      if (requirement === undefined) return [`${entry.id}: not in the catalogue`];
      if (!serverObservable(requirement))
        return [`${entry.id}: not server-observable (${requirement.role}, ${requirement.observable})`];
      const checks = citing.get(entry.id);
      return checks ? [`${entry.id}: stale, now cited by ${checks.join(', ')}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('applies every ruling: each is cited by a check or a catalogue entry, and every cited ruling exists', () => {
    const rulings = loadRulings().map((ruling) => ruling.id);
    const cited = new Set([
      ...serverChecks.flatMap((check) => check.rulings ?? []),
      ...catalogue.flatMap((r) => r.rulings ?? []),
    ]);
    const uncited = rulings.filter((id) => !cited.has(id));
    const unknown = [...cited].filter((id) => !rulings.includes(id));
    expect(uncited, `rulings nothing cites: ${uncited.join(', ')}`).toEqual([]);
    expect(unknown, `cited rulings missing from spec/rulings.yaml: ${unknown.join(', ')}`).toEqual([]);
  });
});
