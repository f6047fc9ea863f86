import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_PROFILE } from '../../src/sim/index.ts';

// ajv-formats is CommonJS; under NodeNext its plugin function sits on `default`.
const addFormats = addFormatsModule.default;
const ROOT = join(import.meta.dirname, '..', '..');

/** The published profile schema accepts the profiles this project ships, and names what it refuses. */
describe('schemas/target-profile.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  const load = async (file: string) => JSON.parse(await readFile(join(ROOT, file), 'utf8'));

  it('validates the better-auth profile and the simulator profile, and refuses unknown members', async () => {
    const validate = ajv.compile(await load('schemas/target-profile.json'));
    expect(validate(await load('examples/better-auth/profile.json')), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(SIMULATOR_PROFILE), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ sync: 'list_accounts', syncc: 'typo' })).toBe(false);
  });
});
