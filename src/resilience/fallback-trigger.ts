import type { FallbackTrigger } from '../agents/agent-definition.js';
import type { ProviderErrorKind } from '../providers/provider-error.js';
import type { FailoverReason } from './provider-failure.js';

/** What a target's failure looked like, as far as fallback triggers can tell. */
export interface ChainFailure {
  readonly reason: FailoverReason;
  /** The last upstream status, when it answered. */
  readonly status?: number;
  readonly kind?: ProviderErrorKind;
}

/**
 * Whether a fallback with `trigger` takes over after `failure`: `specific` when its trigger
 * names it (`on_rate_limit` a 429, `on_timeout` a timeout, `error_codes` its status,
 * `latency_threshold_ms` a target that was too slow), `general` when it takes any error
 * (`on_error`, or no trigger at all), else undefined.
 */
export function triggerMatch(trigger: FallbackTrigger | undefined, failure: ChainFailure): 'specific' | 'general' | undefined {
  if (!trigger) return 'general';
  if (trigger.onRateLimit && failure.status === 429) return 'specific';
  if (trigger.onTimeout && (failure.kind === 'timeout' || failure.reason === 'deadline')) return 'specific';
  if (failure.status !== undefined && trigger.errorCodes.includes(failure.status)) return 'specific';
  if (trigger.latencyThresholdMs !== undefined && failure.reason === 'latency_threshold') return 'specific';
  return trigger.onError ? 'general' : undefined;
}

/**
 * The target after `from` that takes `failure`: the first whose trigger names it, else the
 * first that takes any error; undefined when none does (the chain ends there). So with
 * `[primary, {condition: on_error}, {condition: on_rate_limit}]` a 429 goes to the third and
 * a 500 to the second.
 */
export function nextTarget(targets: readonly { readonly trigger?: FallbackTrigger }[], from: number, failure: ChainFailure): number | undefined {
  let general: number | undefined;
  for (let index = from + 1; index < targets.length; index++) {
    const match = triggerMatch(targets[index]!.trigger, failure);
    if (match === 'specific') return index;
    if (match === 'general') general ??= index;
  }
  return general;
}

/**
 * How long target `index` may take before the chain gives it up: the shortest
 * `latency_threshold_ms` among the fallbacks after it (the one that names it takes over).
 */
export function latencyBound(targets: readonly { readonly trigger?: FallbackTrigger }[], index: number): number | undefined {
  let bound: number | undefined;
  for (let later = index + 1; later < targets.length; later++) {
    const ms = targets[later]!.trigger?.latencyThresholdMs;
    if (ms !== undefined && (bound === undefined || ms < bound)) bound = ms;
  }
  return bound;
}
