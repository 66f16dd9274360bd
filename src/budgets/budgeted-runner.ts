import { buildPrompt } from '../agents/build-prompt.js';
import type { AgentResponse, AgentRunner, ExecuteOptions, ExecutionContext } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import type { RunnerLayer } from '../pipeline/wrap.js';
import { ANONYMOUS_USER } from '../rate-limit/rate-limited-runner.js';
import { BudgetUnavailableError, InputOverRequestBudgetError } from './budget-errors.js';
import { estimateInputTokens, estimateTextTokens } from './estimate-tokens.js';
import { PriceTable } from './price-table.js';
import type { BudgetAmount, BudgetReservation, TokenBudgets } from './token-budgets.js';

const NOTHING: BudgetAmount = { tokens: 0, microUsd: 0 };

/** What one request was planned as: its route, options (max tokens clamped), and input estimate. */
interface BudgetPlan {
  readonly route: AgentRoute;
  readonly options: ExecuteOptions;
  readonly inputTokens: number;
  readonly maxTokens: number;
}

/**
 * An `AgentRunner` decorator that holds every request's worst case in its budgets before the
 * executor calls the upstream, and settles the real usage after:
 *
 * - `spec.constraints.cost.maxTokensPerRequest` caps input + output: `max_tokens` is lowered
 *   to what is left after the input estimate, and an input that leaves no room is refused
 *   (`InputOverRequestBudgetError`, 400) before anything is held.
 * - The worst case is the input estimate (`estimateInputTokens`, over the prompt as the
 *   executor builds it) plus the most tokens any target of the chain may answer with; its cost
 *   is priced at the dearest of the chain's models. Refused: `BudgetExceededError` (429); the
 *   store failed with `fail_open: false`: `BudgetUnavailableError` (503).
 * - Settled with the answer's usage; a failed call is refunded. A stream is settled when it
 *   ends; cut short (the client went away, the upstream failed midway) with the input estimate
 *   and the tokens of what it had sent, or refunded when nothing had come back.
 *
 * An unknown agent or one that cannot run passes untouched (its 404 or 422 comes first), as
 * does an agent no budget applies to.
 *
 * @example
 * const runner = wrapRunner(executor, [budget(budgets, routes, prices)]);
 */
export class BudgetedRunner implements AgentRunner {
  constructor(
    private readonly inner: AgentRunner,
    private readonly budgets: TokenBudgets,
    private readonly routes: ReadonlyMap<string, AgentRoute>,
    private readonly prices: PriceTable,
  ) {}

  async execute(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): Promise<AgentResponse> {
    const plan = this.plan(agentName, input, context, options);
    if (!plan) return this.inner.execute(agentName, input, context, options);
    const reservation = await this.reserve(plan);
    let response: AgentResponse;
    try {
      response = await this.inner.execute(agentName, input, context, plan.options);
    } catch (error) {
      if (reservation) await this.budgets.settle(reservation, NOTHING);
      throw error;
    }
    if (reservation) await this.budgets.settle(reservation, this.usedBy(plan.route, response));
    return response;
  }

  executeStream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncIterable<AgentStreamEvent> {
    return this.stream(agentName, input, context, options);
  }

  private async *stream(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): AsyncGenerator<AgentStreamEvent, void, undefined> {
    const plan = this.plan(agentName, input, context, options);
    if (!plan) {
      yield* this.inner.executeStream(agentName, input, context, options);
      return;
    }
    const reservation = await this.reserve(plan);
    if (!reservation) {
      yield* this.inner.executeStream(agentName, input, context, plan.options);
      return;
    }
    let answering: { provider: string; model: string } | undefined;
    const written: string[] = [];
    let used: BudgetAmount = NOTHING;
    try {
      for await (const event of this.inner.executeStream(agentName, input, context, plan.options)) {
        switch (event.type) {
          case 'start':
            answering = { provider: event.provider, model: event.model };
            break;
          case 'delta':
            written.push(event.text);
            break;
          case 'tool_call_start':
            written.push(event.name);
            break;
          case 'tool_call_delta':
            written.push(event.arguments);
            break;
          case 'done':
            used = this.usedBy(plan.route, event.response);
            answering = undefined;
            break;
          default:
            break;
        }
        yield event;
      }
    } finally {
      // Cut short after the upstream began answering: what it read and what it wrote so far.
      if (answering) used = this.cost(plan.route, answering.provider, answering.model, plan.inputTokens, estimateTextTokens(...written));
      await this.budgets.settle(reservation, used);
    }
  }

  /** The request as the budgets see it; undefined when none applies (or the executor will refuse it). */
  private plan(agentName: string, input: string, context: ExecutionContext, options: ExecuteOptions): BudgetPlan | undefined {
    const route = this.routes.get(agentName);
    if (!route || route.provider === undefined) return undefined;
    const perRequest = route.agent.cost?.maxTokensPerRequest;
    if (perRequest === undefined && !this.budgets.applies(route.agent)) return undefined;
    const prompt = buildPrompt(route.systemPrompt ?? route.agent.systemPrompt, input, context, options.history, options.systemBlocks ?? options.instructions);
    const inputTokens = estimateInputTokens({ system: prompt.system, history: prompt.messages, input: '', tools: options.tools ?? [] });
    let maxTokens = worstMaxTokens(route, options);
    let planned = options;
    if (perRequest !== undefined) {
      if (inputTokens >= perRequest) throw new InputOverRequestBudgetError(route.agent.name, inputTokens, perRequest);
      if (inputTokens + maxTokens > perRequest) {
        maxTokens = perRequest - inputTokens;
        planned = { ...options, maxTokens };
      }
    }
    return { route, options: planned, inputTokens, maxTokens };
  }

  /** Holds the plan's worst case; undefined when the store failed and `fail_open` admits it unchecked. */
  private async reserve(plan: BudgetPlan): Promise<BudgetReservation | undefined> {
    const microUsd = Math.max(0, ...plan.route.usable.map((target) => PriceTable.microUsd(this.prices.priceOf(target.provider, target.model), plan.inputTokens, plan.maxTokens)));
    const verdict = await this.budgets.reserve(
      { agent: plan.route.agent, userId: plan.options.userId ?? ANONYMOUS_USER, ...(plan.options.clientId !== undefined ? { clientId: plan.options.clientId } : {}) },
      { tokens: plan.inputTokens + plan.maxTokens, microUsd },
    );
    switch (verdict.outcome) {
      case 'reserved':
        return verdict.reservation;
      case 'rejected':
        throw verdict.error;
      case 'store-failed':
        if (verdict.admitted) return undefined;
        throw new BudgetUnavailableError();
      default: {
        const unexpected: never = verdict;
        throw new Error(`unexpected budget verdict ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** What an answer used, as its upstream reported it (a cached answer spent nothing). */
  private usedBy(route: AgentRoute, response: AgentResponse): BudgetAmount {
    if (response.cached) return NOTHING;
    return this.cost(route, response.provider, response.model, response.usage.input_tokens, response.usage.output_tokens);
  }

  private cost(route: AgentRoute, provider: string, model: string, inputTokens: number, outputTokens: number): BudgetAmount {
    // The upstream may name a dated snapshot (`claude-sonnet-4-5-20250929`): the price of the model asked for then.
    const price = this.prices.priceOf(provider, model) ?? this.prices.priceOf(provider, route.usable.find((target) => target.provider === provider)?.model ?? model);
    return { tokens: inputTokens + outputTokens, microUsd: PriceTable.microUsd(price, inputTokens, outputTokens) };
  }
}

/**
 * The most tokens any target of the route may answer this request with, as the executor and
 * the chain decide it: the client's `max_tokens` never above a target's own, a target's own
 * when the client asks none; a pass-through model's as the client asks, up to its `max_tokens`.
 */
function worstMaxTokens(route: AgentRoute, options: ExecuteOptions): number {
  const asked = options.maxTokens ?? route.maxTokens;
  if (route.passThrough !== undefined) return Math.max(1, Math.min(asked, route.passThrough.maxTokens ?? asked));
  const ceiling = Math.max(route.maxTokens, ...(route.targets ?? []).map((target) => target.maxTokens));
  return Math.max(1, options.maxTokens === undefined ? ceiling : Math.min(options.maxTokens, ceiling));
}

/**
 * The `budget()` layer: inside the response cache (a hit is answered before it and spends no
 * budget) and next to the executor, so what it holds is what the upstream call may use.
 *
 * @example
 * const runner = wrapRunner(executor, [limiter && rateLimit(limiter, routes), cache && responseCache(cache), budgets && budget(budgets, routes, prices)]);
 */
export function budget(budgets: TokenBudgets, routes: ReadonlyMap<string, AgentRoute>, prices: PriceTable): RunnerLayer {
  return (inner) => new BudgetedRunner(inner, budgets, routes, prices);
}
