import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TranscriptEntry } from '../../src/model/index.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A command line running a TypeScript fixture with Node and the tsx loader (works from any cwd). */
export function tsxCommand(fixture: string, ...args: string[]): string {
  return [process.execPath, '--import', TSX_LOADER, join(FIXTURES, fixture), ...args].join(' ');
}

/** argv running a TypeScript fixture, for command-driver configs. */
export function tsxArgv(fixture: string, ...args: string[]): string[] {
  return [process.execPath, '--import', TSX_LOADER, join(FIXTURES, fixture), ...args];
}

export async function withTmpDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'aac-driver-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function entriesOf<K extends TranscriptEntry['kind']>(
  entries: TranscriptEntry[],
  kind: K,
): Extract<TranscriptEntry, { kind: K }>[] {
  return entries.filter((entry): entry is Extract<TranscriptEntry, { kind: K }> => entry.kind === kind);
}

/** The pid of the spawned client, from the transcript. */
export function spawnedPid(entries: TranscriptEntry[]): number {
  const pid = entriesOf(entries, 'lifecycle').find((entry) => entry.event === 'spawned')?.pid;
  if (pid === undefined) throw new Error('no spawned entry in the transcript');
  return pid;
}

export async function elapsed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}
