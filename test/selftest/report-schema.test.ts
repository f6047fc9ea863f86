import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServerCommand, type ServerCliOptions } from '../../src/cli/server.ts';

// ajv-formats is CommonJS; under NodeNext its plugin function sits on `default`.
const addFormats = addFormatsModule.default;

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'schemas');

function cliOptions(out: string, overrides: Partial<ServerCliOptions> = {}): ServerCliOptions {
  return {
    embedded: true,
    out,
    format: 'json',
    only: [],
    skip: [],
    seed: '7',
    timeout: '5000',
    checkTimeout: '30000',
    concurrency: '4',
    header: [],
    quiet: true,
    ...overrides,
  };
}

describe('schemas/report.json', () => {
  let out: string;
  // zod writes records keyed by an enum as `required` + `propertyNames` without `properties`: valid
  // JSON Schema that ajv's strictRequired lint would refuse to compile.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  const io = { stderr: () => {} };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'aac-report-schema-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  async function problems(report: unknown): Promise<string[]> {
    const schema = JSON.parse(await readFile(join(SCHEMA_DIR, 'report.json'), 'utf8')) as { $id: string };
    const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
    return validate(report)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
  }

  const written = async (dir: string): Promise<{ checks: { status: string }[] }> =>
    JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));

  it('is listed in the schema index as a tool document', async () => {
    const index = JSON.parse(await readFile(join(SCHEMA_DIR, 'index.json'), 'utf8')) as {
      tool_documents?: { file: string }[];
    };
    expect(index.tool_documents?.map((entry) => entry.file)).toContain('report.json');
  });

  it('accepts the report.json of a full run against the embedded simulator', async () => {
    const dir = join(out, 'full');
    const code = await runServerCommand(cliOptions(dir), io);
    expect(code).not.toBe(2);
    const report = await written(dir);
    expect(report.checks.length).toBeGreaterThan(0);
    expect(await problems(report)).toEqual([]);
    report.checks[0]!.status = 'mostly-fine';
    expect(await problems(report)).not.toEqual([]);
  });

  it('accepts the report.json of a run that could not start', async () => {
    const dir = join(out, 'usage');
    expect(await runServerCommand(cliOptions(dir, { embedded: false }), io)).toBe(2);
    expect(await problems(await written(dir))).toEqual([]);
  });
});
