import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchemas, formatDrift, hasDrift, writeSchemas } from '../../src/cli/schemas.ts';
import { generateSchemaFiles } from '../../src/protocol/json-schema.ts';

const COMMITTED_SCHEMAS = join(import.meta.dirname, '..', '..', 'schemas');

describe('schemas --check', () => {
  it('finds no drift between the zod model and the committed schemas', async () => {
    const drift = await checkSchemas(COMMITTED_SCHEMAS);
    expect(hasDrift(drift), formatDrift('schemas', drift)).toBe(false);
  });

  it('generates byte-identical output on every run', () => {
    expect([...generateSchemaFiles()]).toEqual([...generateSchemaFiles()]);
    for (const content of generateSchemaFiles().values()) expect(content.endsWith('}\n')).toBe(true);
  });

  it('reports differing, missing and extra files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aac-schemas-'));
    try {
      await writeSchemas(dir);
      expect(hasDrift(await checkSchemas(dir))).toBe(false);
      const grant = join(dir, 'grant.json');
      await writeFile(grant, (await readFile(grant, 'utf8')).replace('"active"', '"granted"'));
      await unlink(join(dir, 'index.json'));
      await writeFile(join(dir, 'stale.json'), '{}\n');
      expect(await checkSchemas(dir)).toEqual({
        differing: ['grant.json'],
        missing: ['index.json'],
        extra: ['stale.json'],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
