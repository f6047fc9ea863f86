import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'suites/**/*.test.ts'],
    // Vitest's default is one worker per core minus one: a single file at a time on a 2-core runner.
    // Much of the suite's time is spent waiting on sockets, polls and child processes, so three files
    // side by side keep both cores busy (measured on 2 cores: 3 workers end `.ci/run` about 20 s
    // sooner than 2; timing-sensitive tests keep margins for a loaded machine).
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
