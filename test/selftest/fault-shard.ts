import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../../src/sim/index.ts';
import { type Detection, describeMiss, detect, markdownTable } from './fault-detection.ts';

/**
 * The fault self-test is split into shards, one test file each (faults-detected.shard-<n>.test.ts),
 * so vitest runs them on separate workers; within a shard every fault is a test of its own, so a
 * run reports its progress fault by fault. Faults go to shards round-robin: the costly ones (the
 * state-machine faults, whose checks include the state walk) sit together in the catalogue.
 */
export const SHARD_COUNT = 3;
/**
 * Faulty simulators a shard runs side by side (more than the cores: runs spend much of their time
 * waiting on polls and timers); each run's checks use the runner's own concurrency.
 */
const PARALLEL_FAULTS = 3;
/** Tests never write into reports/: the detection tables go to a temporary directory (or FAULT_TABLE_DIR). */
const TABLE_DIR = process.env['FAULT_TABLE_DIR'] ?? join(tmpdir(), 'agent-auth-conformance');

/** Lets at most `limit` of the calls run at once; the others wait their turn in order. */
function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** Declares the tests of shard `shard` (1-based) of SHARD_COUNT. */
export function defineFaultShard(shard: number): void {
  const faults = FAULTS.filter((_, index) => index % SHARD_COUNT === shard - 1);
  const detections: Detection[] = [];
  const slot = limiter(PARALLEL_FAULTS);

  describe.concurrent(`every simulator fault is caught by the suite (shard ${shard} of ${SHARD_COUNT})`, () => {
    if (shard === 1) {
      it(`has a file for each of the ${SHARD_COUNT} shards, so every fault runs`, async () => {
        const files = (await readdir(import.meta.dirname)).filter((name) =>
          /^faults-detected\.shard-\d+\.test\.ts$/.test(name),
        );
        const expected = Array.from({ length: SHARD_COUNT }, (_, i) => `faults-detected.shard-${i + 1}.test.ts`);
        expect(files.sort()).toEqual(expected.sort());
        expect(FAULTS.length).toBeGreaterThan(0);
      });
    }

    for (const fault of faults) {
      it(`${fault.name}: fails a check citing ${fault.requirements.join(', ')}`, async () => {
        const detection = await slot(() => detect(fault));
        detections.push(detection);
        expect(detection.verdict, describeMiss(detection)).toBe('detected');
      }, 300_000);
    }

    afterAll(async () => {
      const ordered = faults.flatMap((fault) => detections.filter((d) => d.fault === fault));
      const table = markdownTable(ordered, `Fault detection, shard ${shard} of ${SHARD_COUNT}`);
      const file = join(TABLE_DIR, `fault-detection.shard-${shard}.md`);
      await mkdir(TABLE_DIR, { recursive: true });
      await writeFile(file, table, 'utf8');
      console.info(`${table}\n(table written to ${file})`);
    });
  });
}
