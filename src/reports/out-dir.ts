import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` for the reports directory, one level at a time. Node's own recursive mkdir spins
 * forever on some paths (a directory below /proc, for one), which would hang the run at its very
 * end with every result lost; this one fails with the reason instead. Synchronous: it runs once
 * before a run and once when writing, and also where the process is about to exit.
 */
export function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    try {
      if (!statSync(current).isDirectory()) throw new Error(`${current} exists and is not a directory`);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.unshift(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  for (const directory of missing) {
    try {
      mkdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Why reports cannot be written to `dir`, or undefined when they can (created if needed). */
export function unwritableReason(dir: string): string | undefined {
  try {
    ensureDirectory(dir);
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
