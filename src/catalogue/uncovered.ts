import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { specPath } from '../package-files.ts';
import { REQUIREMENT_ID_PATTERN } from './schema.ts';

/**
 * A requirement a role's suite can observe but does not cite yet, with the honest reason why: one list
 * per role, spec/uncovered.yaml for the server role and spec/uncovered-client.yaml for the client role.
 * The server self-test keeps its list exact: every uncovered observable requirement is listed, and a
 * listed requirement that some check now cites is stale.
 */
export const UncoveredEntrySchema = z.strictObject({
  id: z.string().regex(REQUIREMENT_ID_PATTERN, 'id must look like AAP-<section>-<suffix>'),
  reason: z.string().trim().min(1),
});
export type UncoveredEntry = z.infer<typeof UncoveredEntrySchema>;

export const UncoveredFileSchema = z.array(UncoveredEntrySchema);

/** Server-observable requirements no server check cites. */
export const DEFAULT_UNCOVERED_FILE = specPath('uncovered.yaml');

/** Client-observable requirements no client scenario cites. */
export const CLIENT_UNCOVERED_FILE = specPath('uncovered-client.yaml');

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
