import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CatalogueError, loadCatalogue, requirementById } from '../../src/catalogue/load.ts';
import {
  OBSERVABILITIES,
  REQUIREMENT_KINDS,
  REQUIREMENT_LEVELS,
  REQUIREMENT_ROLES,
  type Requirement,
} from '../../src/catalogue/schema.ts';

describe('the project catalogue', () => {
  const catalogue = loadCatalogue();

  it('validates and has unique ids', () => {
    expect(requirementById(catalogue).size).toBe(catalogue.length);
  });

  it('covers the whole specification', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(300);
  });

  it('uses every level, role, kind and observability value', () => {
    const used = (pick: (r: Requirement) => string) => new Set(catalogue.map(pick));
    expect([...used((r) => r.level)].sort()).toEqual([...REQUIREMENT_LEVELS].sort());
    expect([...used((r) => r.role)].sort()).toEqual([...REQUIREMENT_ROLES].sort());
    expect([...used((r) => r.kind)].sort()).toEqual([...REQUIREMENT_KINDS].sort());
    expect([...used((r) => r.observable)].sort()).toEqual([...OBSERVABILITIES].sort());
  });

  it('pairs observability with a role that can be observed that way', () => {
    // A harness playing the server watches clients, and resource servers as introspection callers;
    // only a client has agent-facing tools a harness can drive.
    const watchedAsClient = new Set<string>(['client', 'resource-server']);
    const clientObservability = new Set<string>(['black-box-client', 'driven-client', 'untestable']);
    const mismatched = catalogue.filter(
      (r) =>
        (r.observable === 'black-box-client' && !watchedAsClient.has(r.role)) ||
        (r.observable === 'driven-client' && r.role !== 'client') ||
        (r.role === 'client' && !clientObservability.has(r.observable)) ||
        (r.observable === 'operator' && r.role !== 'server' && r.role !== 'resource-server'),
    );
    expect(mismatched.map((r) => `${r.id}: ${r.role} / ${r.observable}`)).toEqual([]);
  });

  it('explains every untestable requirement', () => {
    const unexplained = catalogue.filter((r) => r.observable === 'untestable' && !r.note);
    expect(unexplained.map((r) => r.id)).toEqual([]);
  });

  it('numbers the statements of each section 01, 02, ... without gaps', () => {
    const numbersBySection = new Map<string, number[]>();
    for (const r of catalogue.filter((r) => r.kind === 'statement')) {
      const numbers = numbersBySection.get(r.section) ?? [];
      numbers.push(Number(r.id.slice(r.id.lastIndexOf('-') + 1)));
      numbersBySection.set(r.section, numbers);
    }
    const gapped = [...numbersBySection].filter(([, numbers]) =>
      [...numbers].sort((a, b) => a - b).some((n, i) => n !== i + 1),
    );
    expect(gapped.map(([section, numbers]) => `§${section}: ${numbers.join(', ')}`)).toEqual([]);
  });
});

describe('loadCatalogue on crafted directories', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function catalogueDir(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : stringify(content));
    }
    return dir;
  }

  function entry(overrides: Partial<Requirement> = {}): Requirement {
    return {
      id: 'AAP-4.6-01',
      section: '4.6',
      level: 'MUST',
      role: 'server',
      kind: 'statement',
      summary: 'A repeated jti is refused.',
      observable: 'black-box-server',
      ...overrides,
    };
  }

  it('returns entries ordered by file name, then position', () => {
    const dir = catalogueDir({
      'b.yaml': [entry({ id: 'AAP-5.1-01', section: '5.1' })],
      'a.yaml': [entry({ id: 'AAP-4.6-02' }), entry({ id: 'AAP-4.6-01' })],
      'ignored.txt': 'not yaml at all: [',
    });
    expect(loadCatalogue(dir).map((r) => r.id)).toEqual(['AAP-4.6-02', 'AAP-4.6-01', 'AAP-5.1-01']);
  });

  it('accepts table rows, steps and rulings', () => {
    const dir = catalogueDir({
      'a.yaml': [
        entry({ id: 'AAP-5.13-ERR.register.agent_exists', section: '5.13', kind: 'table-row' }),
        entry({ id: 'AAP-4.5.1-STEP3', section: '4.5.1', kind: 'step', rulings: ['R-001'] }),
      ],
    });
    expect(requirementById(loadCatalogue(dir)).get('AAP-4.5.1-STEP3')?.rulings).toEqual(['R-001']);
  });

  it('rejects an id used twice, naming both places', () => {
    const dir = catalogueDir({ 'a.yaml': [entry()], 'b.yaml': [entry({ summary: 'Other.' })] });
    expect(() => loadCatalogue(dir)).toThrow(CatalogueError);
    expect(() => loadCatalogue(dir)).toThrow(/b\.yaml entry #1 \(AAP-4\.6-01\).*a\.yaml entry #1/);
  });

  it('rejects an id whose section differs from the section field', () => {
    const dir = catalogueDir({ 'a.yaml': [entry(), entry({ id: 'AAP-4.5-02' })] });
    expect(() => loadCatalogue(dir)).toThrow(/a\.yaml entry #2 \(AAP-4\.5-02\)[\s\S]*"4\.5"[\s\S]*"4\.6"/);
  });

  it('rejects an untestable entry without a note', () => {
    const dir = catalogueDir({ 'a.yaml': [entry({ observable: 'untestable' })] });
    expect(() => loadCatalogue(dir)).toThrow(/a\.yaml entry #1 \(AAP-4\.6-01\)[\s\S]*note/);
    const explained = catalogueDir({ 'a.yaml': [entry({ observable: 'untestable', note: 'Internal.' })] });
    expect(loadCatalogue(explained)).toHaveLength(1);
  });

  it('rejects an id suffix that does not fit the kind', () => {
    const dir = catalogueDir({ 'a.yaml': [entry({ kind: 'step' })] });
    expect(() => loadCatalogue(dir)).toThrow(/STEP<n>/);
  });

  it('rejects unknown fields and values outside the vocabularies', () => {
    expect(() => loadCatalogue(catalogueDir({ 'a.yaml': [{ ...entry(), extra: 1 }] }))).toThrow(/extra/);
    expect(() => loadCatalogue(catalogueDir({ 'a.yaml': [{ ...entry(), level: 'must' }] }))).toThrow(/level/);
  });

  it('rejects a file that is not a list or not YAML', () => {
    expect(() => loadCatalogue(catalogueDir({ 'a.yaml': entry() }))).toThrow(/a\.yaml must hold a YAML list/);
    expect(() => loadCatalogue(catalogueDir({ 'a.yaml': '- [unclosed' }))).toThrow(/a\.yaml is not valid YAML/);
  });
});
