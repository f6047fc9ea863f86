import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { checkSchemas, formatDrift, hasDrift, registerSchemasCommand, writeSchemas } from '../../src/cli/schemas.ts';
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

  it('says in one line that --out is no directory, and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aac-schemas-'));
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      const file = join(dir, 'a-file');
      await writeFile(file, '');
      for (const args of [
        ['--out', file],
        ['--check', '--out', file],
      ]) {
        const program = new Command().exitOverride();
        registerSchemasCommand(program);
        await program.parseAsync(['node', 'cli', 'schemas', ...args]);
        expect(process.exitCode).toBe(2);
      }
      expect(errors).toEqual([
        expect.stringMatching(/^schemas: cannot write .*a-file: .*not a directory$/),
        `schemas: cannot read ${join(dir, 'a-file')}: not a directory`,
      ]);
    } finally {
      process.exitCode = undefined;
      spy.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
