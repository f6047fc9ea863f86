import { z } from 'zod';
import { PROTOCOL_VERSION } from './common.ts';
import { WIRE_OBJECTS, type WireObject } from './wire-objects.ts';

/*
 * JSON Schema comes from zod's own converter. zod-to-json-schema was evaluated and rejected: it cannot
 * read zod 4 schemas (it emits empty schemas for them) and only targets draft-07/2019-09, whereas
 * z.toJSONSchema understands every zod 4 construct used here and emits draft 2020-12.
 */

export const SCHEMA_BASE_URL = 'https://agent-auth-conformance.dev/schemas/';
export const INDEX_FILE = 'index.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Root keywords that open every document, in this order; all other keys are sorted. */
const LEADING_KEYS = ['$schema', '$id', 'title', 'description'];

function sortKeys(value: Json, leading: readonly string[] = []): Json {
  if (Array.isArray(value)) return value.map((item) => sortKeys(item));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => {
    const rank = (key: string) => (leading.includes(key) ? leading.indexOf(key) : leading.length);
    return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  });
  return Object.fromEntries(keys.map((key) => [key, sortKeys(value[key] as Json)]));
}

function serialize(document: Json): string {
  return `${JSON.stringify(sortKeys(document, LEADING_KEYS), null, 2)}\n`;
}

export function schemaId(name: string): string {
  return `${SCHEMA_BASE_URL}${name}.json`;
}

/** A document the tool itself writes rather than a protocol wire object, e.g. the run report. */
export interface ToolDocument {
  /** Kebab-case name; the JSON Schema is written to `<name>.json`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly schema: z.ZodType;
}

function convert(schema: z.ZodType): { [key: string]: Json } {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'throw' }) as { [key: string]: Json };
}

export function wireObjectJsonSchema(wireObject: WireObject): Json {
  return {
    ...convert(wireObject.schema),
    $id: schemaId(wireObject.name),
    title: wireObject.title,
    description: wireObject.schema.description ?? `${wireObject.title} (§${wireObject.section}).`,
  };
}

export function toolDocumentJsonSchema(document: ToolDocument): Json {
  return {
    ...convert(document.schema),
    $id: schemaId(document.name),
    title: document.title,
    description: document.description,
  };
}

function indexDocument(wireObjects: readonly WireObject[], toolDocuments: readonly ToolDocument[]): Json {
  const tools = toolDocuments.map((document) => ({
    name: document.name,
    title: document.title,
    $id: schemaId(document.name),
    file: `${document.name}.json`,
  }));
  return {
    $id: schemaId('index'),
    title: 'Agent Auth Protocol wire objects',
    description: `JSON Schemas (draft 2020-12) of every wire object of the Agent Auth Protocol ${PROTOCOL_VERSION}, generated from the zod model.`,
    protocol_version: PROTOCOL_VERSION,
    schemas: wireObjects.map((wireObject) => ({
      name: wireObject.name,
      title: wireObject.title,
      section: wireObject.section,
      $id: schemaId(wireObject.name),
      file: `${wireObject.name}.json`,
    })),
    ...(tools.length > 0 && { tool_documents: tools }),
  };
}

/**
 * File name → file content for every schema document plus `index.json`, in registry order; the tool's
 * own documents (listed under `tool_documents` in the index) follow the wire objects.
 */
export function generateSchemaFiles(
  wireObjects: readonly WireObject[] = WIRE_OBJECTS,
  toolDocuments: readonly ToolDocument[] = [],
): Map<string, string> {
  const files = new Map<string, string>();
  for (const wireObject of wireObjects) {
    const file = `${wireObject.name}.json`;
    if (files.has(file)) throw new Error(`duplicate wire object name: ${wireObject.name}`);
    files.set(file, serialize(wireObjectJsonSchema(wireObject)));
  }
  for (const document of toolDocuments) {
    const file = `${document.name}.json`;
    if (files.has(file)) throw new Error(`tool document name already used: ${document.name}`);
    files.set(file, serialize(toolDocumentJsonSchema(document)));
  }
  files.set(INDEX_FILE, serialize(indexDocument(wireObjects, toolDocuments)));
  return files;
}
