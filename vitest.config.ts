import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/leak-check.ts', 'test/helpers/public-root.ts'],
    // Real processes on a 2-core machine: keep parallelism modest and deadlines generous.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
