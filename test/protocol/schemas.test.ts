import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { WIRE_OBJECTS } from '../../src/protocol/index.ts';
import { INVALID_FIXTURES, VALID_FIXTURES } from './fixtures.ts';

type Schema = { [key: string]: unknown };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ajv-formats is CommonJS; under NodeNext its plugin function sits on `default`.
const addFormats = addFormatsModule.default;

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'schemas');
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);

const index = JSON.parse(readFileSync(join(SCHEMA_DIR, 'index.json'), 'utf8')) as {
  schemas: { name: string; file: string; $id: string }[];
};
const documents = new Map(
  index.schemas.map((entry) => [entry.name, JSON.parse(readFileSync(join(SCHEMA_DIR, entry.file), 'utf8')) as Schema]),
);
const validators = new Map([...documents].map(([name, document]) => [name, ajv.compile(document)]));
const zodSchemas = new Map(WIRE_OBJECTS.map((wireObject) => [wireObject.name, wireObject.schema]));

const branchValidators = new WeakMap<Schema, ValidateFunction>();
function accepts(schema: Schema, value: unknown): boolean {
  const validate = branchValidators.get(schema) ?? ajv.compile(schema);
  branchValidators.set(schema, validate);
  return validate(value);
}

/**
 * The subschemas that must all accept `value`: the schema itself, its allOf parts, and — for anyOf /
 * oneOf — the parts of the single branch accepting it (several accepting branches make no part binding).
 */
function bindingParts(schema: Schema, value: unknown): Schema[] {
  const parts: Schema[] = [schema];
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) parts.push(...bindingParts(part, value));
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) {
    const accepting = branches.filter((branch) => accepts(branch, value));
    if (accepting.length === 1) parts.push(...bindingParts(accepting[0] as Schema, value));
  }
  return parts;
}

function requiredKeys(schema: Schema, value: unknown): string[] {
  return [...new Set(bindingParts(schema, value).flatMap((part) => (part.required as string[] | undefined) ?? []))];
}

function propertySchemas(schema: Schema, value: unknown, key: string): Schema[] {
  return bindingParts(schema, value).flatMap((part) => {
    const property = (part.properties as Record<string, Schema> | undefined)?.[key];
    return property ? [property] : [];
  });
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value of another JSON type than `value`. */
function wrongTypeFor(value: unknown): Json {
  switch (jsonType(value)) {
    case 'string':
      return 12345;
    case 'number':
      return 'not-a-number';
    default:
      return 'not-this-type';
  }
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withKey(value: { [key: string]: Json }, key: string, replacement: Json | undefined): { [key: string]: Json } {
  const copy = { ...value };
  if (replacement === undefined) delete copy[key];
  else copy[key] = replacement;
  return copy;
}

/** Every document obtained by deleting one object member at any depth. */
function memberRemovals(value: Json, path = ''): { path: string; value: Json }[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) =>
      memberRemovals(item, `${path}[${i}]`).map((removal) => ({
        path: removal.path,
        value: value.map((other, j) => (i === j ? removal.value : other)),
      })),
    );
  }
  if (!isObject(value)) return [];
  return Object.keys(value).flatMap((key) => [
    { path: `${path}/${key}`, value: withKey(value, key, undefined) },
    ...memberRemovals(value[key] as Json, `${path}/${key}`).map((removal) => ({
      path: removal.path,
      value: withKey(value, key, removal.value),
    })),
  ]);
}

/**
 * Top-level enum/const mutations that stay valid by design: changing a core approval method name turns
 * the object into a well-formed extension-method approval (§10.10.3).
 */
const STILL_VALID_ENUM_MUTATIONS = new Set(['approval/method']);

/** Wire objects whose members are all optional. */
const OBJECTS_WITHOUT_REQUIRED_MEMBERS = new Set(['capability-list-query', 'constraints', 'constraint-value']);

function validate(name: string, value: unknown) {
  const validator = validators.get(name);
  if (!validator) throw new Error(`no schema ${name}`);
  const valid = validator(value);
  return { valid, errors: JSON.stringify(validator.errors) };
}

describe('generated JSON Schemas', () => {
  it('index lists every wire object exactly once', () => {
    expect(index.schemas.map((entry) => entry.name)).toEqual(WIRE_OBJECTS.map((wireObject) => wireObject.name));
    for (const entry of index.schemas) expect(documents.get(entry.name)?.$id).toBe(entry.$id);
  });

  it('every schema document declares draft 2020-12, a title and a description citing a section', () => {
    for (const document of documents.values()) {
      expect(document.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(document.title).toEqual(expect.any(String));
      expect(document.description).toMatch(/§\d/);
    }
  });

  it('every wire object has fixtures', () => {
    for (const wireObject of WIRE_OBJECTS)
      expect(VALID_FIXTURES[wireObject.name]?.length ?? 0, wireObject.name).toBeGreaterThan(0);
    for (const name of [...Object.keys(VALID_FIXTURES), ...Object.keys(INVALID_FIXTURES)])
      expect(documents.has(name), name).toBe(true);
  });

  for (const [name, fixtures] of Object.entries(VALID_FIXTURES)) {
    describe(name, () => {
      const document = () => documents.get(name) as Schema;

      for (const fixture of fixtures) {
        it(`accepts ${fixture.label}`, () => {
          const result = validate(name, fixture.value);
          expect(result.valid, result.errors).toBe(true);
        });

        it(`rejects ${fixture.label} with any required member removed`, () => {
          if (!isObject(fixture.value)) return;
          const keys = requiredKeys(document(), fixture.value);
          expect(keys.length > 0).toBe(!OBJECTS_WITHOUT_REQUIRED_MEMBERS.has(name));
          for (const key of keys) {
            expect(validate(name, withKey(fixture.value, key, undefined)).valid, `without ${key}`).toBe(false);
          }
        });

        it(`rejects ${fixture.label} with a member of the wrong type`, () => {
          if (!isObject(fixture.value)) {
            if (typeof document().type === 'string')
              expect(validate(name, wrongTypeFor(fixture.value)).valid).toBe(false);
            return;
          }
          for (const key of Object.keys(fixture.value)) {
            const original = fixture.value[key];
            const replacement = wrongTypeFor(original);
            const declaredTypes = propertySchemas(document(), fixture.value, key).flatMap((schema) =>
              typeof schema.type === 'string' ? [schema.type] : [],
            );
            const replacementType = jsonType(replacement);
            if (declaredTypes.length === 0 || declaredTypes.every((type) => type === replacementType)) continue;
            expect(
              validate(name, withKey(fixture.value, key, replacement)).valid,
              `${key} := ${JSON.stringify(replacement)}`,
            ).toBe(false);
          }
        });

        it(`rejects ${fixture.label} with an enum or const member changed`, () => {
          if (!isObject(fixture.value)) {
            if (document().enum) expect(validate(name, '__not_a_member__').valid).toBe(false);
            return;
          }
          for (const key of Object.keys(fixture.value)) {
            const constrained = propertySchemas(document(), fixture.value, key).some(
              (schema) => 'const' in schema || 'enum' in schema,
            );
            if (!constrained) continue;
            const mutated = withKey(fixture.value, key, '__not_a_member__');
            expect(validate(name, mutated).valid, key).toBe(STILL_VALID_ENUM_MUTATIONS.has(`${name}/${key}`));
          }
        });

        it(`agrees with the zod model on every member removal of ${fixture.label}`, () => {
          const zodSchema = zodSchemas.get(name);
          for (const removal of memberRemovals(fixture.value as Json)) {
            const expected = zodSchema?.safeParse(removal.value).success;
            expect(validate(name, removal.value).valid, `without ${removal.path}`).toBe(expected);
          }
        });
      }
    });
  }

  for (const [name, fixtures] of Object.entries(INVALID_FIXTURES)) {
    describe(`${name} violations`, () => {
      for (const fixture of fixtures) {
        it(`rejects ${fixture.label}`, () => {
          expect(validate(name, fixture.value).valid).toBe(false);
          expect(zodSchemas.get(name)?.safeParse(fixture.value).success).toBe(false);
        });
      }
    });
  }
});
