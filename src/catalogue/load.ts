import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { specPath } from '../package-files.ts';
import { requirementSchema, type Requirement } from './schema.ts';

/** The repository's own catalogue, located from this module rather than the working directory. */
export const DEFAULT_CATALOGUE_DIR = `${specPath('requirements')}/`;

export class CatalogueError extends Error {
  override name = 'CatalogueError';
}

/**
 * Reads every `*.yaml` file of `dir` (each a YAML list of requirements), validates each entry and
 * returns them ordered by file name, then by position within the file. Throws `CatalogueError`
 * naming the file and entry on the first invalid entry or duplicate id.
 */
export function loadCatalogue(dir: string = DEFAULT_CATALOGUE_DIR): Requirement[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  const firstSeenAt = new Map<string, string>();
  const catalogue: Requirement[] = [];
  for (const file of files) {
    for (const [index, entry] of readEntries(join(dir, file), file).entries()) {
      const where = `${file} entry #${index + 1}${describeId(entry)}`;
      const result = requirementSchema.safeParse(entry);
      if (!result.success) {
        throw new CatalogueError(`${where} is invalid:\n${z.prettifyError(result.error)}`);
      }
      const requirement = result.data;
      const earlier = firstSeenAt.get(requirement.id);
      if (earlier !== undefined) {
        throw new CatalogueError(`${where} repeats the id already used by ${earlier}`);
      }
      firstSeenAt.set(requirement.id, where);
      catalogue.push(requirement);
    }
  }
  return catalogue;
}

export function requirementById(catalogue: readonly Requirement[]): Map<string, Requirement> {
  return new Map(catalogue.map((requirement) => [requirement.id, requirement]));
}

function readEntries(path: string, file: string): unknown[] {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CatalogueError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (!Array.isArray(document)) {
    throw new CatalogueError(`${file} must hold a YAML list of requirement entries`);
  }
  return document;
}

function describeId(entry: unknown): string {
  if (typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string') {
    return ` (${entry.id})`;
  }
  return '';
}
