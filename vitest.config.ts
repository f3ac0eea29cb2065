import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: a test that spawns the CLI a dozen times must not fail for want of CPU on a loaded
    // 2-core machine (timing goals live in bench/, not here).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
