import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { REQUIREMENT_ID_PATTERN } from './schema.ts';

/**
 * A server-observable requirement no check cites yet, with the honest reason why (spec/uncovered.yaml).
 * The self-test keeps the list exact: every uncovered observable requirement is listed, and a listed
 * requirement that some check now cites is stale.
 */
export const UncoveredEntrySchema = z.strictObject({
  id: z.string().regex(REQUIREMENT_ID_PATTERN, 'id must look like AAP-<section>-<suffix>'),
  reason: z.string().trim().min(1),
});
export type UncoveredEntry = z.infer<typeof UncoveredEntrySchema>;

export const UncoveredFileSchema = z.array(UncoveredEntrySchema);

export const DEFAULT_UNCOVERED_FILE = fileURLToPath(new URL('../../spec/uncovered.yaml', import.meta.url));

/** Loads and validates the uncovered list; an empty file is an empty list; ids must be unique. */
export function loadUncovered(file: string = DEFAULT_UNCOVERED_FILE): UncoveredEntry[] {
  const entries = UncoveredFileSchema.parse(parse(readFileSync(file, 'utf8')) ?? []);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new Error(`${file}: ${entry.id} is listed twice`);
    seen.add(entry.id);
  }
  return entries;
}
