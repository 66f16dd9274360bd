import { availableParallelism } from 'node:os';

/** The most worker processes `serve` starts (as `server.workers` allows). */
export const MAX_WORKERS = 1024;

/**
 * How many worker processes `--workers` / `server.workers` asks for: a whole number from 1 to
 * `MAX_WORKERS`, or `auto` (one per core the process may use); `undefined` for anything else.
 *
 * @example
 * parseWorkerCount('auto'); // 2 on a two-core machine
 * parseWorkerCount('0');    // undefined
 */
export function parseWorkerCount(value: string | number, cores: () => number = availableParallelism): number | undefined {
  if (value === 'auto') return Math.max(1, Math.min(MAX_WORKERS, cores()));
  const count = typeof value === 'number' ? value : /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isInteger(count) && count >= 1 && count <= MAX_WORKERS ? count : undefined;
}
