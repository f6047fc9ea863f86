import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'suites/**/*.test.ts'],
    // Vitest's default is one worker per core minus one: a single file at a time on a 2-core runner.
    // Most of the suite's time is spent waiting on sockets, polls and child processes, so two files
    // side by side cut the wall time without starving either.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
