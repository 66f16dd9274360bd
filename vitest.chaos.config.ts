import { defineConfig } from 'vitest/config';
import { ChaosSequencer } from './test/support/chaos-sequencer.js';

/**
 * The reliability suite (`npm run test:chaos`): faults under load, hostile input, the soak and
 * shutdown. Kept out of `npm test` because it runs for minutes; `.ci/run` runs both. Files run one
 * at a time: each puts the machine's two cores under load, and two at once would measure each other.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    globalSetup: ['test/support/chaos-setup.ts'],
    setupFiles: ['test/support/file-cleanup-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { sequencer: ChaosSequencer },
  },
});
