import type { AgentRetryPolicy } from './agent-definition.js';
import { describeType, isRecord, readNumber, type FieldProblem } from './manifest-values.js';

const STRATEGIES: readonly AgentRetryPolicy['backoff'][] = ['none', 'linear', 'exponential', 'fibonacci'];

/**
 * Reads `llm.retry_config` (`{max_attempts, backoff_strategy, initial_delay_ms,
 * max_delay_ms}`); absent keys take the official schema's defaults (3 attempts, exponential,
 * 1 s, 30 s). `fibonacci` is the reference runtime's fourth strategy. Absent block: undefined.
 */
export function readRetryConfig(value: unknown, base: (string | number)[], errors: FieldProblem[]): AgentRetryPolicy | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    errors.push({ path: base, message: `expected a mapping {max_attempts, backoff_strategy, initial_delay_ms, max_delay_ms}, got ${describeType(value)}` });
    return undefined;
  }
  const before = errors.length;
  const maxAttempts = readNumber(value['max_attempts'], [...base, 'max_attempts'], { min: 1, max: 10, integer: true }, errors) ?? 3;
  const initialDelayMs = readNumber(value['initial_delay_ms'], [...base, 'initial_delay_ms'], { min: 0, max: 600_000, integer: true }, errors) ?? 1000;
  const maxDelayMs = readNumber(value['max_delay_ms'], [...base, 'max_delay_ms'], { min: 0, max: 600_000, integer: true }, errors) ?? 30_000;
  const strategy = value['backoff_strategy'] ?? 'exponential';
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy as AgentRetryPolicy['backoff'])) {
    errors.push({ path: [...base, 'backoff_strategy'], message: `expected one of ${STRATEGIES.join(', ')}, got ${describeType(strategy)}` });
  }
  if (errors.length > before) return undefined;
  return { maxAttempts, backoff: strategy as AgentRetryPolicy['backoff'], initialDelayMs, maxDelayMs };
}

/**
 * The wait before retry `n` (1 for the first retry) of a policy: `none` always waits
 * `initialDelayMs`; `linear` n times it; `exponential` 2^(n-1) times it; `fibonacci` fib(n)
 * times it (1, 1, 2, 3, 5, ...); never more than `maxDelayMs`.
 */
export function retryDelayMs(policy: AgentRetryPolicy, n: number): number {
  const factor = policy.backoff === 'none' ? 1 : policy.backoff === 'linear' ? n : policy.backoff === 'exponential' ? 2 ** (n - 1) : fibonacci(n);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * factor);
}

function fibonacci(n: number): number {
  let [a, b] = [1, 1];
  for (let i = 2; i < n; i++) [a, b] = [b, a + b];
  return n <= 2 ? 1 : b;
}
