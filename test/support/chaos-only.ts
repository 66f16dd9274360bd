/**
 * True when this file runs under `npm test` rather than `npm run test:chaos`. vitest.config.ts
 * includes `test/**`, so it picks up test/chaos/ too; the minutes-long load scenarios belong to
 * the chaos suite alone (one file at a time: under `npm test` they would run beside other files
 * and measure them). Remove once vitest.config.ts excludes test/chaos/.
 */
export const UNDER_NPM_TEST = process.env['npm_lifecycle_event'] === 'test';
