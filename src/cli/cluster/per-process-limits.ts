import type { LoadedConfig } from '../../config/load-config.js';
import type { OssaConfig } from '../../config/ossa-config.js';
import type { SourceIssue } from '../../config/source-issue.js';
import type { KeyPath } from '../../config/yaml-source.js';

/** What only a built gateway knows: whether budgets apply (an agent's `spec.constraints.cost` declares one too). */
export interface BuiltState {
  readonly budgetsActive: boolean;
}

/**
 * The stores that would enforce a limit per process when `serve` runs `workers` processes:
 * each worker would admit the whole limit again (the per-replica bug LiteLLM had), or cache
 * answers the others never see. One problem per store, at its config key, saying the fix.
 * Without `built` (the primary, before any worker exists) budgets count only when the config
 * declares one; a worker checks again with the agents' own budgets known.
 *
 * @example
 * const problems = perProcessLimits(loaded, 2); // [] when rate limits, budgets and cache are shared
 */
export function perProcessLimits(loaded: LoadedConfig, workers: number, built?: BuiltState): SourceIssue[] {
  if (workers <= 1) return [];
  const { config } = loaded;
  const file = loaded.file ?? 'config';
  // A key left at its default points at the mapping it would be written in.
  const at = (path: KeyPath, message: string, hint: string): SourceIssue => ({ file, ...loaded.locate?.(path), path: path.join('.'), message, hint });
  const times = `with ${workers} workers`;
  const problems: SourceIssue[] = [];
  if (config.rate_limit.enabled && config.rate_limit.storage === 'memory') {
    problems.push(at(['rate_limit', 'storage'], `the rate limiter counts in each process's memory: ${times} every limit would admit ${workers}x its requests`, 'set rate_limit.storage: redis (and redis.url), or rate_limit.enabled: false, or run one worker'));
  }
  const budgetsActive = built?.budgetsActive ?? (config.budgets.enabled && budgetsDeclared(config));
  if (budgetsActive && config.budgets.storage === 'memory') {
    problems.push(at(['budgets', 'storage'], `token and cost budgets are kept in each process's memory: ${times} every budget could be spent ${workers} times`, 'set budgets.storage: redis (and redis.url), or run one worker'));
  }
  if (config.cache.enabled && config.cache.storage === 'memory') {
    problems.push(at(['cache', 'storage'], `the response cache is in each process's memory: ${times} each worker would keep its own (misses, memory and max_bytes multiplied by ${workers})`, 'set cache.storage: redis or cache.storage: file, or cache.enabled: false'));
  }
  if (config.security.auth_throttle.enabled && config.rate_limit.storage === 'memory' && hasCredentials(config)) {
    problems.push(at(['security', 'auth_throttle'], `failed authentications are counted in each process's memory (rate_limit.storage: memory): ${times} a key guesser gets ${workers}x the attempts`, 'set rate_limit.storage: redis (and redis.url), or run one worker'));
  }
  return problems;
}

function budgetsDeclared(config: OssaConfig): boolean {
  const { user, global, clients } = config.budgets;
  return user !== undefined || global !== undefined || Object.keys(clients).length > 0;
}

function hasCredentials(config: OssaConfig): boolean {
  return config.security.clients.length > 0 || config.security.admin_keys.length > 0 || config.observability.metrics_token !== undefined;
}

