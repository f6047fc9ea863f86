import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalogue, requirementById } from '../../src/catalogue/load.ts';
import { CLIENT_UNCOVERED_FILE, loadUncovered } from '../../src/catalogue/uncovered.ts';

/** What a harness playing the server sees of a client: its requests, and its tools when it drives them. */
const CLIENT_OBSERVABLE = new Set<string>(['black-box-client', 'driven-client']);

describe('spec/uncovered-client.yaml', () => {
  const byId = requirementById(loadCatalogue());
  const uncovered = loadUncovered(CLIENT_UNCOVERED_FILE);

  it('validates, lists each id once and is not empty', () => {
    expect(uncovered.length).toBeGreaterThan(0);
  });

  it('lists only client-observable client requirements the catalogue defines', () => {
    const problems = uncovered.flatMap((entry) => {
      const requirement = byId.get(entry.id);
      if (requirement === undefined) return [`${entry.id}: not in the catalogue`];
      if (requirement.role !== 'client') return [`${entry.id}: role ${requirement.role}, not client`];
      if (!CLIENT_OBSERVABLE.has(requirement.observable)) {
        return [`${entry.id}: ${requirement.observable}, not black-box-client or driven-client`];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });
});

describe('loadUncovered on crafted files', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function file(content: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'uncovered-'));
    dirs.push(dir);
    const path = join(dir, 'uncovered.yaml');
    writeFileSync(path, content);
    return path;
  }

  it('reads an empty file as an empty list', () => {
    expect(loadUncovered(file(''))).toEqual([]);
  });

  it('rejects an id listed twice, a malformed id and an entry without a reason', () => {
    const twice = '- id: AAP-4.6-01\n  reason: "One."\n- id: AAP-4.6-01\n  reason: "Two."\n';
    expect(() => loadUncovered(file(twice))).toThrow(/AAP-4\.6-01 is listed twice/);
    expect(() => loadUncovered(file('- id: 4.6-01\n  reason: "R."\n'))).toThrow(/AAP-<section>-<suffix>/);
    expect(() => loadUncovered(file('- id: AAP-4.6-01\n'))).toThrow(/reason/);
  });
});
