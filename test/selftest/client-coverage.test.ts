import { describe, expect, it } from 'vitest';
import { clientScenarios } from '../../suites/client/index.ts';
import { loadCatalogue } from '../../src/catalogue/load.ts';
import { loadRulings } from '../../src/catalogue/rulings.ts';
import type { Requirement } from '../../src/catalogue/schema.ts';
import { CLIENT_UNCOVERED_FILE, loadUncovered } from '../../src/catalogue/uncovered.ts';

const catalogue = loadCatalogue();
const byId = new Map(catalogue.map((requirement) => [requirement.id, requirement]));
const uncovered = loadUncovered(CLIENT_UNCOVERED_FILE);

/** Requirement id → ids of the scenarios citing it. */
const citing = new Map<string, string[]>();
for (const scenario of clientScenarios) {
  for (const id of scenario.requirements) citing.set(id, [...(citing.get(id) ?? []), scenario.id]);
}

/** What a harness playing the server (and driving the client's tools) can see of a client. */
function clientObservable(requirement: Requirement): boolean {
  return (
    requirement.role === 'client' &&
    (requirement.observable === 'black-box-client' || requirement.observable === 'driven-client')
  );
}
const observable = catalogue.filter(clientObservable);

/**
 * Client-observable requirements cited by a scenario: it may only grow. Every other client-observable
 * requirement is listed in spec/uncovered-client.yaml with the reason no scenario can observe it;
 * citing a listed one makes its entry stale (see above), so raise this floor as entries move out.
 */
const CITED_FLOOR = 176;

describe('requirement coverage of the client suite', () => {
  it('cites only client-observable requirement ids the catalogue defines', () => {
    const problems = [...citing].flatMap(([id, scenarios]) => {
      const requirement = byId.get(id);
      if (requirement === undefined) return [`${id}: not in the catalogue (cited by ${scenarios.join(', ')})`];
      if (!clientObservable(requirement))
        return [`${id}: not client-observable (${requirement.role}, ${requirement.observable})`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('cites only rulings that exist', () => {
    const rulings = new Set(loadRulings().map((ruling) => ruling.id));
    const unknown = clientScenarios.flatMap((scenario) =>
      (scenario.rulings ?? []).filter((id) => !rulings.has(id)).map((id) => `${scenario.id}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it('lists as uncovered only client-observable requirements no scenario cites', () => {
    const problems = uncovered.flatMap((entry) => {
      const requirement = byId.get(entry.id);
      if (requirement === undefined) return [`${entry.id}: not in the catalogue`];
      if (!clientObservable(requirement)) return [`${entry.id}: not client-observable`];
      const scenarios = citing.get(entry.id);
      return scenarios ? [`${entry.id}: stale, now cited by ${scenarios.join(', ')}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('leaves no client-observable requirement both uncited and unlisted, and cites at least the floor', () => {
    const listed = new Set(uncovered.map((entry) => entry.id));
    const cited = observable.filter((requirement) => citing.has(requirement.id)).length;
    const open = observable.filter((requirement) => !citing.has(requirement.id) && !listed.has(requirement.id));
    console.info(
      `client coverage: ${cited} of ${observable.length} client-observable requirements cited by a scenario (${((100 * cited) / observable.length).toFixed(1)}%); ` +
        `${uncovered.length} listed as uncovered; ${open.length} neither`,
    );
    expect(
      open.map((requirement) => `${requirement.id} (${requirement.level}, ${requirement.observable})`),
      'cite these in a scenario, or list them in spec/uncovered-client.yaml with the reason no scenario can observe them',
    ).toEqual([]);
    expect(cited).toBeGreaterThanOrEqual(CITED_FLOOR);
  });
});
