import type { BudgetLimitsConfig } from '../config/ossa-config.js';
import type { AgentCostLimits } from '../agents/cost-constraints.js';
import type { BudgetWindow } from './budget-window.js';

/** Whose spending a budget counts: one user's, one client key's, one agent's, or everyone's. */
export type BudgetScope = 'user' | 'client' | 'agent' | 'global';

/** What a budget counts: tokens (input + output), or their cost. */
export type BudgetMeasure = 'tokens' | 'cost';

/** One budget that applies to a request. */
export interface BudgetRule {
  readonly scope: BudgetScope;
  /** The budget as declared, for messages and metrics: `spec.constraints.cost.maxTokensPerDay`, `budgets.user.tokens_per_minute`. */
  readonly name: string;
  readonly measure: BudgetMeasure;
  readonly window: BudgetWindow;
  /** Tokens, or micro-USD. */
  readonly limit: number;
}

const MICRO = 1_000_000;

/** The budgets a config mapping (`budgets.user`, `budgets.clients.<id>`, `budgets.global`) declares; `at` is its key path. */
export function rulesOfConfig(scope: BudgetScope, at: string, limits: BudgetLimitsConfig | undefined): BudgetRule[] {
  if (!limits) return [];
  const rules: BudgetRule[] = [];
  if (limits.tokens_per_minute !== undefined) rules.push({ scope, name: `${at}.tokens_per_minute`, measure: 'tokens', window: 'minute', limit: limits.tokens_per_minute });
  if (limits.tokens_per_day !== undefined) rules.push({ scope, name: `${at}.tokens_per_day`, measure: 'tokens', window: 'day', limit: limits.tokens_per_day });
  if (limits.cost_per_day !== undefined) rules.push({ scope, name: `${at}.cost_per_day`, measure: 'cost', window: 'day', limit: Math.round(limits.cost_per_day * MICRO) });
  return rules;
}

/** The daily budgets of a manifest's `spec.constraints.cost`. */
export function rulesOfAgent(cost: AgentCostLimits | undefined): BudgetRule[] {
  if (!cost) return [];
  const rules: BudgetRule[] = [];
  if (cost.maxTokensPerDay !== undefined) rules.push({ scope: 'agent', name: 'spec.constraints.cost.maxTokensPerDay', measure: 'tokens', window: 'day', limit: cost.maxTokensPerDay });
  if (cost.maxCostPerDay !== undefined) rules.push({ scope: 'agent', name: 'spec.constraints.cost.maxCostPerDay', measure: 'cost', window: 'day', limit: Math.round(cost.maxCostPerDay * MICRO) });
  return rules;
}

/** A budget's limit or spend as a person reads it: `1000 tokens`, `$0.50`. */
export function formatAmount(measure: BudgetMeasure, amount: number): string {
  return measure === 'tokens' ? `${amount} tokens` : `$${(amount / MICRO).toFixed(amount % 10_000 === 0 ? 2 : 6)}`;
}

/** Micro-USD as USD (status and metrics). */
export function toUsd(microUsd: number): number {
  return microUsd / MICRO;
}
