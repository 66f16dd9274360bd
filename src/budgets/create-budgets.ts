import type { Logger } from 'pino';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { RedisConnection } from '../redis/redis-connection.js';
import type { BudgetStore } from './budget-store.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import { PriceTable } from './price-table.js';
import { RedisBudgetStore } from './redis-budget-store.js';
import { TokenBudgets } from './token-budgets.js';

/** The budgets and their price table, or nothing when no budget is declared anywhere (or `budgets.enabled` is false). */
export interface CreatedBudgets {
  readonly budgets?: TokenBudgets;
  readonly prices: PriceTable;
  /** A cost budget that applies to a model without a price: that model's tokens cost nothing to it. */
  readonly warnings: readonly SourceIssue[];
}

/**
 * The `TokenBudgets` on the store `budgets.storage` names, when `budgets.enabled` and some
 * budget is declared (in the config, or an agent's `spec.constraints.cost`).
 */
export function createBudgets(
  config: OssaConfig,
  routes: ReadonlyMap<string, AgentRoute>,
  deps: { readonly events: EventDispatcher; readonly logger: Logger; readonly redis?: RedisConnection; readonly now?: () => number; readonly source: string },
): CreatedBudgets {
  const prices = new PriceTable(config.budgets.prices);
  const settings = config.budgets;
  const agents = [...routes.values()].map((route) => route.agent);
  const declared = settings.user !== undefined || settings.global !== undefined || Object.keys(settings.clients).length > 0 || agents.some((agent) => agent.cost !== undefined);
  if (!settings.enabled || !declared) return { prices, warnings: [] };
  let store: BudgetStore;
  if (settings.storage === 'redis') {
    if (!deps.redis) throw new Error('budgets.storage is redis but no Redis connection was made (set redis.url)');
    store = new RedisBudgetStore({ client: deps.redis.client, keyPrefix: deps.redis.keyPrefix, commandTimeoutMs: deps.redis.commandTimeoutMs });
  } else {
    store = new MemoryBudgetStore(deps.now ? { now: deps.now } : {});
  }
  const budgets = new TokenBudgets({ store, config: settings, events: deps.events, logger: deps.logger, ...(deps.now ? { now: deps.now } : {}) });
  return { budgets, prices, warnings: unpricedModels(config, routes, prices, deps.source) };
}

function unpricedModels(config: OssaConfig, routes: ReadonlyMap<string, AgentRoute>, prices: PriceTable, source: string): SourceIssue[] {
  const gatewayWide = [config.budgets.user, config.budgets.global, ...Object.values(config.budgets.clients)].some((limits) => limits?.cost_per_day !== undefined);
  const warnings: SourceIssue[] = [];
  for (const route of routes.values()) {
    const agent: AgentDefinition = route.agent;
    if (!gatewayWide && agent.cost?.maxCostPerDay === undefined) continue;
    for (const target of route.usable) {
      if (prices.priceOf(target.provider, target.model)) continue;
      warnings.push({
        file: agent.cost?.maxCostPerDay !== undefined ? agent.source.file : source,
        ...(agent.cost?.maxCostPerDay !== undefined ? { line: agent.source.line } : {}),
        path: `budgets.prices.${target.provider}`,
        message: `no price for model ${target.model}, which agent "${agent.name}" may call: its tokens count toward token budgets but cost nothing toward cost budgets`,
        hint: `add budgets.prices.${target.provider}.${target.model}: {input: <USD per million>, output: <USD per million>}`,
      });
    }
  }
  return warnings;
}
