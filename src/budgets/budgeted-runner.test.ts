import { describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { httpError, ScriptedProvider } from '../../test/support/scripted-provider.js';
import { FakeClock } from '../../test/support/test-redis.js';
import { buildPrompt } from '../agents/build-prompt.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { BudgetsConfig } from '../config/ossa-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventMap } from '../events/gateway-events.js';
import { AgentExecutor } from '../executor/agent-executor.js';
import type { ExecuteOptions } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import { AgentNotFoundError } from '../executor/execution-errors.js';
import { createLogger } from '../observability/logger.js';
import { BudgetExceededError, BudgetUnavailableError, InputOverRequestBudgetError } from './budget-errors.js';
import type { BudgetStore } from './budget-store.js';
import { BudgetedRunner } from './budgeted-runner.js';
import { estimateInputTokens, estimateTextTokens } from './estimate-tokens.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import { PriceTable } from './price-table.js';
import { TokenBudgets } from './token-budgets.js';

/** 2023-11-14T22:13:20Z: 6,400 s before the end of the UTC day, 40 s before the end of the minute. */
const START = 1_700_000_000_000;
const MAX_TOKENS = 20;

function routeFor(agent: AgentDefinition, provider: ScriptedProvider): AgentRoute {
  return {
    agent, primary: { provider: 'scripted', model: 'model-a' }, fallbacks: [], temperature: 0.5, maxTokens: MAX_TOKENS,
    usable: [{ provider: 'scripted', model: 'model-a' }], provider,
  };
}

/** What the budgets estimate the input `q` to the agent `name` at. */
function inputEstimate(name: string, input = 'q'): number {
  const prompt = buildPrompt(`You are ${name}.`, input, {});
  return estimateInputTokens({ system: prompt.system, history: prompt.messages, input: '', tools: [] });
}

function setup(config: Partial<BudgetsConfig> = {}, agents: Record<string, Partial<AgentDefinition>> = { support: {} }, store?: BudgetStore) {
  const clock = new FakeClock(START);
  const logs = new LogCapture();
  const logger = createLogger({ destination: logs.stream });
  const events = new EventDispatcher(logger);
  const provider = new ScriptedProvider('scripted', [], 'openai-compatible');
  const routes = new Map(Object.entries(agents).map(([name, overrides]) => [name, routeFor(testAgent(name, overrides), provider)]));
  const memory = new MemoryBudgetStore({ now: clock.now });
  const settings: BudgetsConfig = { enabled: true, storage: 'memory', fail_open: true, clients: {}, prices: {}, ...config };
  const budgets = new TokenBudgets({ store: store ?? memory, config: settings, events, logger, now: clock.now });
  const runner = new BudgetedRunner(new AgentExecutor({ routes, events, now: clock.now }), budgets, routes, new PriceTable(settings.prices));
  const decisions: GatewayEventMap['budget.decision'][] = [];
  const spends: GatewayEventMap['budget.spend'][] = [];
  events.on('budget.decision', (e) => void decisions.push(e));
  events.on('budget.spend', (e) => void spends.push(e));
  let n = 0;
  const options = (extra: Partial<ExecuteOptions>): ExecuteOptions => ({ requestId: `req-${++n}`, userId: 'ada', ...extra });
  const run = (agent = 'support', extra: Partial<ExecuteOptions> = {}, input = 'q') => runner.execute(agent, input, {}, options(extra));
  const stream = (agent = 'support', extra: Partial<ExecuteOptions> = {}) => runner.executeStream(agent, 'q', {}, options(extra));
  const counter = async (key: string) => (await memory.read([key]))[0]!;
  return { runner, budgets, provider, clock, run, stream, counter, decisions, spends, logs, routes };
}

const DAY = Math.floor(START / 86_400_000);

describe('BudgetedRunner', () => {
  it("holds the request's worst case (input estimate + max tokens) during the call, then settles its real usage", async () => {
    const { run, provider, counter } = setup({}, { support: { cost: { maxTokensPerDay: 1000 } } });
    const worst = inputEstimate('support') + MAX_TOKENS;
    provider.hold();
    const pending = run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: 0, held: worst });
    provider.release();
    const response = await pending;
    // The scripted upstream reports 3 input and 2 output tokens.
    expect(response.usage).toMatchObject({ input_tokens: 3, output_tokens: 2 });
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: 5, held: 0 });
  });

  it('refuses a request whose worst case no longer fits, naming the budget, with Retry-After to the end of the UTC day, before any upstream call', async () => {
    const worst = inputEstimate('support') + MAX_TOKENS;
    const { run, provider, clock, decisions } = setup({}, { support: { cost: { maxTokensPerDay: worst + 4 } } });
    await run();
    const refusal = await run().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal).toMatchObject({ retryAfterSeconds: 6400, rule: { name: 'spec.constraints.cost.maxTokensPerDay' } });
    expect((refusal as Error).message).toBe(
      `this agent's budget spec.constraints.cost.maxTokensPerDay of ${worst + 4} tokens a day (UTC) has ${worst - 1} tokens left, and this request may use up to ${worst} tokens (its input and max_tokens); retry in 6400 s or ask for fewer max_tokens`,
    );
    expect(provider.calls).toHaveLength(1);
    expect(decisions.map((d) => d.allowed)).toEqual([true, false]);
    // A new UTC day: a new, empty budget.
    clock.advance(6400 * 1000);
    await expect(run()).resolves.toMatchObject({ output: 'ok from scripted' });
  });

  it('counts tokens per minute for each user, and says when the minute ends', async () => {
    const worst = inputEstimate('support') + MAX_TOKENS;
    const { run, clock } = setup({ user: { tokens_per_minute: worst } });
    await run('support', { userId: 'ada' });
    clock.advance(10_000);
    await expect(run('support', { userId: 'ada' })).rejects.toMatchObject({ retryAfterSeconds: 30, rule: { name: 'budgets.user.tokens_per_minute', scope: 'user' } });
    await expect(run('support', { userId: 'bob' })).resolves.toBeDefined();
    clock.advance(30_000);
    await expect(run('support', { userId: 'ada' })).resolves.toBeDefined();
  });

  it('names the most specific budget when several are short, and waits for the latest window among them', async () => {
    const worst = inputEstimate('support') + MAX_TOKENS;
    const { run } = setup({ global: { tokens_per_minute: worst }, clients: { acme: { tokens_per_day: worst } } }, { support: {} });
    await run('support', { clientId: 'acme' });
    await expect(run('support', { clientId: 'acme' })).rejects.toMatchObject({ rule: { name: 'budgets.clients.acme.tokens_per_day' }, retryAfterSeconds: 6400 });
    // Another client only meets the global per-minute budget.
    await expect(run('support', { clientId: 'other' })).rejects.toMatchObject({ rule: { name: 'budgets.global.tokens_per_minute' }, retryAfterSeconds: 40 });
  });

  it('clamps max_tokens so input + output fit in maxTokensPerRequest, and refuses an input that leaves no room, before holding anything', async () => {
    const input = inputEstimate('support');
    const { run, provider, counter } = setup({}, { support: { cost: { maxTokensPerRequest: input + 7, maxTokensPerDay: 1000 } } });
    await run();
    expect(provider.calls[0]!.maxTokens).toBe(7);
    await run('support', { maxTokens: 3 });
    expect(provider.calls[1]!.maxTokens).toBe(3);
    const long = 'x'.repeat(200);
    const refusal = await run('support', {}, long).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InputOverRequestBudgetError);
    expect((refusal as Error).message).toBe(`the input is about ${inputEstimate('support', long)} tokens, more than agent "support" allows for a whole request (spec.constraints.cost.maxTokensPerRequest: ${input + 7}); send less`);
    expect(provider.calls).toHaveLength(2);
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: 10, held: 0 });
  });

  it('refunds a call that failed', async () => {
    const { run, provider, counter } = setup({}, { support: { cost: { maxTokensPerDay: 1000 } } });
    provider.script({ kind: 'fail', error: httpError('scripted', 500) });
    await expect(run()).rejects.toThrow('scripted answered 500');
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: 0, held: 0 });
  });

  it('settles a whole stream with the usage of its done event', async () => {
    const { stream, counter } = setup({}, { support: { cost: { maxTokensPerDay: 1000 } } });
    const types: string[] = [];
    for await (const event of stream()) types.push(event.type);
    expect(types.at(-1)).toBe('done');
    // 3 input tokens, one output token per word of "ok from scripted".
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: 6, held: 0 });
  });

  it('settles a stream the client abandoned midway with the input estimate and the tokens it had sent', async () => {
    const { stream, provider, counter } = setup({}, { support: { cost: { maxTokensPerDay: 1000 } } });
    provider.answerText = () => 'alpha beta gamma delta epsilon zeta';
    const sent: string[] = [];
    for await (const event of stream()) {
      if (event.type === 'delta') sent.push(event.text);
      if (sent.length === 2) break;
    }
    expect(sent).toEqual(['alpha', ' beta']);
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: inputEstimate('support') + estimateTextTokens('alpha', ' beta'), held: 0 });
    expect(provider.streamsClosed).toBe(1);
  });

  it('settles a stream the upstream broke midway the same way, and refunds one that failed before answering', async () => {
    const { stream, provider, counter } = setup({}, { support: { cost: { maxTokensPerDay: 1000 } } });
    provider.script({ kind: 'break', parts: 2, error: httpError('scripted', 500) });
    const consume = async () => {
      for await (const _ of stream()) void _;
    };
    await expect(consume()).rejects.toThrow('scripted answered 500');
    const afterBreak = inputEstimate('support') + estimateTextTokens('one', ' two');
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: afterBreak, held: 0 });
    provider.script({ kind: 'fail', error: httpError('scripted', 503) });
    await expect(consume()).rejects.toThrow('scripted answered 503');
    expect(await counter(`agent:support:tokens:day:${DAY}`)).toEqual({ spent: afterBreak, held: 0 });
  });

  it('counts cost by the price table, held at the worst case and settled at the real usage', async () => {
    // $1 per million input tokens and $100 per million output tokens: 1 and 100 micro-USD a token.
    const prices = { scripted: { 'model-a': { input: 1, output: 100 } } };
    const worstMicro = inputEstimate('support') * 1 + MAX_TOKENS * 100;
    const { run, spends } = setup({ prices }, { support: { cost: { maxCostPerDay: (worstMicro + 203 + 100) / 1e6 } } });
    await run();
    expect(spends.map((s) => [s.budget, s.unit, s.spent, s.held])).toEqual([
      ['spec.constraints.cost.maxCostPerDay', 'usd', 0, worstMicro / 1e6],
      ['spec.constraints.cost.maxCostPerDay', 'usd', 203 / 1e6, 0],
    ]);
    await run();
    await expect(run()).rejects.toMatchObject({ rule: { name: 'spec.constraints.cost.maxCostPerDay', measure: 'cost' } });
  });

  it('passes an unknown agent, and an agent no budget applies to, untouched', async () => {
    const { run, provider } = setup({}, { support: {} });
    await expect(run('nobody')).rejects.toBeInstanceOf(AgentNotFoundError);
    await run('support', { maxTokens: 5000 });
    expect(provider.calls[0]!.maxTokens).toBe(MAX_TOKENS);
  });

  it('admits unchecked when the store fails and fail_open is true, refuses with 503 when false, logging once', async () => {
    const broken: BudgetStore = {
      backend: 'redis',
      reserve: () => Promise.reject(new Error('redis is not connected')),
      settle: () => Promise.reject(new Error('redis is not connected')),
      read: () => Promise.reject(new Error('redis is not connected')),
    };
    const open = setup({ fail_open: true }, { support: { cost: { maxTokensPerDay: 10 } } }, broken);
    await expect(open.run()).resolves.toMatchObject({ output: 'ok from scripted' });
    await expect(open.run()).resolves.toBeDefined();
    expect(open.budgets.failOpenAdmissions).toBe(2);
    expect(open.logs.lines.filter((l) => String(l['msg']).startsWith('budget store (redis) failed'))).toHaveLength(1);
    const closed = setup({ fail_open: false }, { support: { cost: { maxTokensPerDay: 10 } } }, broken);
    await expect(closed.run()).rejects.toBeInstanceOf(BudgetUnavailableError);
    expect(closed.provider.calls).toHaveLength(0);
  });

  it('shows each budget of the agents, clients and gateway against its spend in /status', async () => {
    const { run, budgets, routes } = setup({ global: { tokens_per_day: 5000 }, user: { tokens_per_day: 100 } }, { support: { cost: { maxTokensPerDay: 1000 } } });
    await run();
    expect(await budgets.status([...routes.values()].map((r) => r.agent))).toEqual([
      { budget: 'spec.constraints.cost.maxTokensPerDay', scope: 'agent', subject: 'support', unit: 'tokens', limit: 1000, spent: 5, held: 0, resets_at: '2023-11-15T00:00:00.000Z' },
      { budget: 'budgets.global.tokens_per_day', scope: 'global', subject: 'global', unit: 'tokens', limit: 5000, spent: 5, held: 0, resets_at: '2023-11-15T00:00:00.000Z' },
    ]);
  });
});
