import { statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { generateSchemaFiles, type ToolDocument } from '../protocol/json-schema.ts';
import { WIRE_OBJECTS } from '../protocol/wire-objects.ts';
import { ReportSchema } from '../model/index.ts';
import { TargetProfileSchema } from '../harness/target-profile.ts';
import { COMMAND_DESCRIPTIONS } from './descriptions.ts';
import { unwritableReason } from '../reports/out-dir.ts';

/** Documents the tool writes, published next to the wire objects' schemas. */
export const TOOL_DOCUMENTS: readonly ToolDocument[] = [
  {
    name: 'report',
    title: 'Report',
    description:
      'The report.json a conformance run writes: target, options, setup, every check result with its HTTP exchanges, requirement coverage and baseline outcome.',
    schema: ReportSchema,
  },
  {
    name: 'target-profile',
    title: 'Target profile',
    description:
      "The --profile JSON of a server run: which of the target's capabilities plays each role the checks need, sample and failing arguments, a reachable rate limit, origins allowed to receive credentials, declared workarounds.",
    schema: TargetProfileSchema,
  },
];

/** Every published schema file: the wire objects' and the tool documents'. */
export function publishedSchemaFiles(): Map<string, string> {
  return generateSchemaFiles(WIRE_OBJECTS, TOOL_DOCUMENTS);
}

export interface SchemaDrift {
  /** Generated files whose content on disk differs. */
  readonly differing: string[];
  /** Generated files absent from disk. */
  readonly missing: string[];
  /** Files on disk that the generator does not produce. */
  readonly extra: string[];
}

export function hasDrift(drift: SchemaDrift): boolean {
  return drift.differing.length + drift.missing.length + drift.extra.length > 0;
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Compares the generated schema files with the contents of `dir`. */
export async function checkSchemas(dir: string): Promise<SchemaDrift> {
  const expected = publishedSchemaFiles();
  const onDisk = new Set(await listFiles(dir));
  const drift: SchemaDrift = { differing: [], missing: [], extra: [] };
  for (const [file, content] of expected) {
    if (!onDisk.has(file)) drift.missing.push(file);
    else if ((await readFile(join(dir, file), 'utf8')) !== content) drift.differing.push(file);
  }
  for (const file of onDisk) if (!expected.has(file)) drift.extra.push(file);
  for (const list of [drift.differing, drift.missing, drift.extra]) list.sort();
  return drift;
}

/** Writes every generated schema file into `dir`; returns the file names written. */
export async function writeSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = publishedSchemaFiles();
  for (const [file, content] of files) await writeFile(join(dir, file), content, 'utf8');
  return [...files.keys()];
}

export function formatDrift(dir: string, drift: SchemaDrift): string {
  const lines = [`JSON Schemas in ${dir} are out of date; regenerate with: schemas --out ${dir}`];
  for (const file of drift.differing) lines.push(`  differs: ${file}`);
  for (const file of drift.missing) lines.push(`  missing: ${file}`);
  for (const file of drift.extra) lines.push(`  extra:   ${file}`);
  return lines.join('\n');
}

/** Why `dir` cannot be compared with the generated schemas, or undefined (a missing one is all "missing"). */
function unreadableReason(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'not a directory';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (error as Error).message;
  }
}

export function registerSchemasCommand(program: Command): void {
  program
    .command('schemas')
    .description(COMMAND_DESCRIPTIONS.schemas)
    .option('--out <dir>', 'directory holding the schema files', 'schemas')
    .option('--check', 'compare with the files in --out instead of writing; exit 1 on any difference')
    .action(async (options: { out: string; check?: boolean }) => {
      // Checked first: Node's recursive mkdir spins forever on some paths (below /proc, for one).
      const unusable = options.check ? unreadableReason(options.out) : unwritableReason(options.out);
      if (unusable !== undefined) {
        console.error(`schemas: cannot ${options.check ? 'read' : 'write'} ${options.out}: ${unusable}`);
        process.exitCode = 2;
        return;
      }
      if (options.check) {
        const drift = await checkSchemas(options.out);
        if (hasDrift(drift)) {
          console.error(formatDrift(options.out, drift));
          process.exitCode = 1;
        } else {
          console.log(`JSON Schemas in ${options.out} are up to date.`);
        }
        return;
      }
      const written = await writeSchemas(options.out);
      console.log(`Wrote ${written.length} files to ${options.out}.`);
    });
}
