import { createRequire } from 'node:module';

/**
 * The gateway's version, from its package.json (two levels up from both `src/observability`
 * and `dist/observability`), for `ossa_build_info`, traces and the status page.
 */
export const GATEWAY_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
