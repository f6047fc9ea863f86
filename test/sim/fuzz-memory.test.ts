import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEAK_RSS_PRELOAD } from '../harness/fixtures/peak-rss.ts';
import { FUZZ_PATHS } from './fuzz-paths.ts';

/**
 * Memory under malformed and oversized load: the simulator, in a process of its own as `simulate`
 * runs it, gets thousands of requests with garbage, deeply nested, near-limit and over-limit bodies,
 * oversized headers, tokens and URLs. No answer is a 5xx. Measured from the point where the warm-up
 * has filled what the simulator keeps by design (the recorder's latest 2,000 exchanges):
 * - peak RSS grows by less than 100 MB over the load. Most of that growth is V8 collecting lazily on
 *   a machine with memory to spare (after a forced collection RSS falls back), so it keeps growing
 *   slowly with the number of requests: the bound holds for this load, not for any;
 * - the heap still in use after a full collection grows by less than 20 MB: the leak detector, which
 *   a leak of 4 KiB or more per request would fail (and which V8's laziness does not move).
 */

const WARM_UP_REQUESTS = 3_000;
const LOAD_REQUESTS = 5_000;
const IN_FLIGHT = 32;
const MAX_GROWTH_MB = 100;
const MAX_RETAINED_GROWTH_MB = 20;

const KiB = 1024;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('{', '[1,', '{"name":}', '\u0000\u00ff', '{"__proto__":{"x":1}}'),
  fc.integer({ min: 1_000, max: 10_000 }).map(nested),
  fc.integer({ min: 1, max: 63 }).map((k) => JSON.stringify({ name: 'x'.repeat(k * KiB - 20) })),
  fc.integer({ min: 65, max: 256 }).map((k) => 'y'.repeat(k * KiB)),
);
const header = fc.oneof(
  fc.constant<Record<string, string>>({}),
  fc.constantFrom('application/json', 'text/plain', 'garbage').map((type) => ({ 'content-type': type })),
  fc.integer({ min: 1, max: 12 }).map((k) => ({ authorization: `Bearer ${'e'.repeat(k * KiB)}.e30.x` })),
  fc.constant({ authorization: 'Bearer ..' }),
  fc.integer({ min: 1, max: 12 }).map((k) => ({ 'x-filler': 'h'.repeat(k * KiB) })),
  // Past Node's 16 KiB limit on a request's header block: Node itself answers 431.
  fc.constant({ 'x-filler': 'h'.repeat(20 * KiB) }),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?agent_id=agt_x', '?name=%E0%A4%A', '?limit=-1', '?cursor=%', '?%=%'),
  fc.integer({ min: 1, max: 6 }).map((k) => `?name=${'q'.repeat(k * KiB)}`),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD'),
  path: fc.constantFrom(...FUZZ_PATHS),
  query,
  headers: header,
  body,
});
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

let child: ChildProcess;
let issuer: string;
let stderr = '';

/** Starts `simulate` with the memory preload and waits for its `listening <issuer>` line. */
async function startChild(): Promise<void> {
  child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', PEAK_RSS_PRELOAD, 'src/cli/main.ts', 'simulate', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * KiB) stderr += chunk.toString();
  });
  let stdout = '';
  for await (const chunk of child.stdout ?? []) {
    stdout += String(chunk);
    const match = /listening (\S+)/.exec(stdout);
    if (match?.[1]) {
      issuer = match[1];
      return;
    }
  }
  throw new Error(`simulate did not start: ${stderr}`);
}

/** The child's RSS and heap in use, in MB; after a full collection with `'gc'`. */
async function childMemory(ask: 'rss' | 'gc'): Promise<{ rss: number; heapUsed: number }> {
  const answer = once(child, 'message');
  child.send(ask);
  const [{ rss, heapUsed }] = (await answer) as [{ rss: number; heapUsed: number }];
  return { rss: rss / (1024 * 1024), heapUsed: heapUsed / (1024 * 1024) };
}

/** Sends `requests` with IN_FLIGHT at a time; returns the statuses seen and a sample of 5xx answers. */
async function load(requests: readonly FuzzRequest[], onTick?: () => void) {
  const statuses = new Map<number, number>();
  const serverErrors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const r = requests[next++] as FuzzRequest;
      const sendsBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
      let status: number;
      try {
        const response = await fetch(`${issuer}${r.path}${r.query}`, {
          method: r.method,
          headers: r.headers,
          ...(sendsBody && { body: r.body }),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        // The simulator may close the connection on a body it refused before reading it all; the
        // next request shows whether it still serves.
        status = 0;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 && serverErrors.length < 5) serverErrors.push(`${r.method} ${r.path} -> ${status}`);
      onTick?.();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { statuses, serverErrors };
}

describe('the simulator under malformed and oversized load (child process)', () => {
  beforeAll(startChild);
  afterAll(async () => {
    if (child.exitCode === null) {
      // The preload's IPC listener would keep the child alive after the simulator stops.
      child.disconnect();
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it(`never answers 5xx and its RSS grows by < ${MAX_GROWTH_MB} MB over ${LOAD_REQUESTS} requests`, async () => {
    const warmUp = fc.sample(request, { numRuns: WARM_UP_REQUESTS, seed: 20_261_204 });
    const rest = fc.sample(request, { numRuns: LOAD_REQUESTS, seed: 20_261_205 });
    const started = Date.now();
    const first = await load(warmUp);
    const baseline = await childMemory('gc');
    let peak = baseline.rss;
    let sampling = Promise.resolve();
    let sent = 0;
    // Sampled every 250 requests, at most one query in flight: the peak, not only the end state.
    const second = await load(rest, () => {
      sent += 1;
      if (sent % 250 === 0)
        sampling = sampling.then(async () => {
          peak = Math.max(peak, (await childMemory('rss')).rss);
        });
    });
    await sampling;
    peak = Math.max(peak, (await childMemory('rss')).rss);
    const end = await childMemory('gc');
    const mb = (value: number) => `${value.toFixed(0)} MB`;
    const measured = `RSS ${mb(baseline.rss)} after warm-up, peak ${mb(peak)}; heap after a full collection ${mb(baseline.heapUsed)} -> ${mb(end.heapUsed)}`;
    if (process.env['FUZZ_PRINT_MEMORY']) process.stderr.write(`${measured}; ${Date.now() - started} ms\n`);

    expect([...first.serverErrors, ...second.serverErrors], stderr).toEqual([]);
    expect(peak - baseline.rss, measured).toBeLessThan(MAX_GROWTH_MB);
    expect(end.heapUsed - baseline.heapUsed, measured).toBeLessThan(MAX_RETAINED_GROWTH_MB);
    // Every kind of refusal was met, and answers (not dropped connections) were the rule.
    const seen = new Map([...first.statuses]);
    for (const [status, count] of second.statuses) seen.set(status, (seen.get(status) ?? 0) + count);
    expect([...seen.keys()]).toEqual(expect.arrayContaining([400, 401, 404, 405, 413, 431]));
    expect(seen.get(0) ?? 0).toBeLessThan((WARM_UP_REQUESTS + LOAD_REQUESTS) / 20);
    expect((await fetch(`${issuer}/.well-known/agent-configuration`)).status).toBe(200);
  }, 60_000);
});
