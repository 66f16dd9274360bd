import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The reliability suite runs for minutes under its own config, one file at a time: `npm run test:chaos`.
    exclude: [...configDefaults.exclude, 'test/chaos/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Removes what each test file left behind: temp dirs, serve processes (test/support/file-cleanup.ts).
    setupFiles: ['test/support/file-cleanup-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
