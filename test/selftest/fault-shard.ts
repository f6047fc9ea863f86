import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A fault self-test split into shards, one test file each (`<prefix>.shard-<n>.test.ts`), so vitest
 * runs them on separate workers; within a shard every fault is a test of its own, so a run reports
 * its progress fault by fault. Faults go to shards round-robin: the costly ones sit together in the
 * fault catalogues (the state-machine faults, whose checks include the state walk).
 */
export interface FaultShardPlan<Fault extends { name: string }, Detection> {
  /** What the shards prove, as the title of each shard's describe block. */
  title: string;
  /** The shard files' name before `.shard-<n>.test.ts`. */
  filePrefix: string;
  /** The directory holding the shard files (the caller's import.meta.dirname). */
  directory: string;
  shardCount: number;
  /** Faults a shard runs side by side: more than the cores, since runs mostly wait on sockets and timers. */
  parallel: number;
  faults: readonly Fault[];
  /** The test's name for one fault. */
  label: (fault: Fault) => string;
  detect: (fault: Fault) => Promise<Detection>;
  /** The expectations one detection must meet. */
  verify: (detection: Detection) => void;
  /** The markdown table of a shard's detections, written for the reader of a CI log. */
  table: (detections: readonly Detection[], title: string) => string;
  /** The table file's name before `.shard-<n>.md`, in FAULT_TABLE_DIR or the temporary directory. */
  tableName: string;
}

/** Tests never write into reports/: the detection tables go to a temporary directory (or FAULT_TABLE_DIR). */
const TABLE_DIR = process.env['FAULT_TABLE_DIR'] ?? join(tmpdir(), 'agent-auth-conformance');
/** Time for one fault, including its wait for a free slot in the shard. */
const FAULT_TIMEOUT_MS = 300_000;

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

/** Declares the tests of shard `shard` (1-based) of the plan. */
export function defineFaultShard<Fault extends { name: string }, Detection>(
  plan: FaultShardPlan<Fault, Detection>,
  shard: number,
): void {
  const faults = plan.faults.filter((_, index) => index % plan.shardCount === shard - 1);
  const detections = new Map<Fault, Detection>();
  const slot = limiter(plan.parallel);
  const title = `${plan.title} (shard ${shard} of ${plan.shardCount})`;

  describe.concurrent(title, () => {
    if (shard === 1) {
      it(`has a file for each of the ${plan.shardCount} shards, so every fault runs`, async () => {
        const pattern = new RegExp(`^${plan.filePrefix.replace(/[.-]/g, '\\$&')}\\.shard-\\d+\\.test\\.ts$`);
        const files = (await readdir(plan.directory)).filter((name) => pattern.test(name));
        const expected = Array.from({ length: plan.shardCount }, (_, i) => `${plan.filePrefix}.shard-${i + 1}.test.ts`);
        expect(files.sort()).toEqual(expected.sort());
        expect(plan.faults.length).toBeGreaterThan(0);
      });
    }

    for (const fault of faults) {
      it(
        plan.label(fault),
        async () => {
          const detection = await slot(() => plan.detect(fault));
          detections.set(fault, detection);
          plan.verify(detection);
        },
        FAULT_TIMEOUT_MS,
      );
    }

    afterAll(async () => {
      const done = faults.flatMap((fault) => {
        const detection = detections.get(fault);
        return detection === undefined ? [] : [detection];
      });
      const table = plan.table(done, title);
      const file = join(TABLE_DIR, `${plan.tableName}.shard-${shard}.md`);
      await mkdir(TABLE_DIR, { recursive: true });
      await writeFile(file, table, 'utf8');
      console.info(`${table}\n(table written to ${file})`);
    });
  });
}
