import { describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { LogCapture } from '../../test/support/gateway-harness.js';
import { ScriptedProvider } from '../../test/support/scripted-provider.js';
import { FakeClock } from '../../test/support/test-redis.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { RateLimitConfig } from '../config/ossa-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import { AgentExecutor } from '../executor/agent-executor.js';
import type { ExecuteOptions } from '../executor/agent-response.js';
import type { AgentRoute } from '../executor/agent-route.js';
import type { AgentStreamEvent } from '../executor/agent-stream-event.js';
import { AgentNotExecutableError, AgentNotFoundError } from '../executor/execution-errors.js';
import { createLogger } from '../observability/logger.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { RateLimitExceededError, RateLimitUnavailableError } from './rate-limit-errors.js';
import { RateLimitedRunner } from './rate-limited-runner.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { RateLimiter, type LimitStatus } from './rate-limiter.js';

function routeFor(agent: AgentDefinition, provider?: ScriptedProvider): AgentRoute {
  return {
    agent, primary: { provider: 'scripted', model: 'model-a' }, fallbacks: [], temperature: 0.5, maxTokens: 100,
    usable: provider ? [{ provider: 'scripted', model: 'model-a' }] : [],
    ...(provider ? { provider } : { unavailable: 'no usable provider' }),
  };
}

function setup(config: Partial<RateLimitConfig>, options: { store?: RateLimitStore; clients?: { id: string; rate_limit?: { user: { limit: number; interval: string } } }[] } = {}) {
  const clock = new FakeClock();
  const logger = createLogger({ destination: new LogCapture().stream });
  const events = new EventDispatcher(logger);
  const provider = new ScriptedProvider('scripted', [], 'openai-compatible');
  const routes = new Map([
    ['support', routeFor(testAgent('support'), provider)],
    ['limited', routeFor(testAgent('limited', { rateLimit: { requestsPerMinute: 60, burstLimit: 1 } }), provider)],
    ['nollm', routeFor(testAgent('nollm'))],
  ]);
  const limiter = new RateLimiter({
    store: options.store ?? new MemoryRateLimitStore({ now: clock.now }),
    config: { enabled: true, storage: 'memory', fail_open: true, ...config },
    clients: options.clients ?? [],
    events,
    logger,
  });
  const runner = new RateLimitedRunner(new AgentExecutor({ routes, events }), limiter, routes);
  const statuses: LimitStatus[] = [];
  let n = 0;
  const options_ = (extra: Partial<ExecuteOptions>): ExecuteOptions => ({ requestId: `req-${++n}`, onRateLimit: (s) => void statuses.push(s), ...extra });
  const run = (agent: string, extra: Partial<ExecuteOptions> = {}) => runner.execute(agent, 'q', {}, options_(extra));
  const runStream = async (agent: string, extra: Partial<ExecuteOptions> = {}) => {
    const seen: AgentStreamEvent[] = [];
    for await (const event of runner.executeStream(agent, 'q', {}, options_(extra))) seen.push(event);
    return seen;
  };
  return { runner, provider, statuses, run, runStream };
}

const hourly = (limit: number) => ({ limit, interval: '1 hour' });

describe('RateLimitedRunner', () => {
  it('tells every admitted request its tightest bucket, then refuses with the limit named, before any upstream call', async () => {
    const { run, provider, statuses } = setup({ user: hourly(2), global: hourly(100) });
    await run('support', { userId: 'ada' });
    await run('support', { userId: 'ada' });
    const refusal = await run('support', { userId: 'ada' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitExceededError);
    expect(refusal).toMatchObject({ scope: 'user', retryAfterSeconds: 1800, message: 'your per-user limit of 2 requests is used up; retry in 1800 s' });
    expect(statuses.map((s) => [s.scope, s.remaining])).toEqual([['user', 1], ['user', 0], ['user', 0]]);
    expect(provider.calls).toHaveLength(2);
  });

  it('counts a call without userId as the user anonymous, and a client against its own per-user limit', async () => {
    const { run } = setup({ user: hourly(1) }, { clients: [{ id: 'batch', rate_limit: { user: hourly(3) } }] });
    await run('support');
    await expect(run('support')).rejects.toBeInstanceOf(RateLimitExceededError);
    await expect(run('support', { userId: 'ada' })).resolves.toMatchObject({ output: 'ok from scripted' });
    for (let i = 0; i < 3; i++) await run('support', { userId: 'batch:job', clientId: 'batch' });
    await expect(run('support', { userId: 'batch:job', clientId: 'batch' })).rejects.toMatchObject({ scope: 'user', status: { limit: 3 } });
  });

  it('names the agent limit of its manifest', async () => {
    const { run } = setup({});
    await run('limited', { userId: 'u1' });
    await expect(run('limited', { userId: 'u2' })).rejects.toMatchObject({ scope: 'agent', retryAfterSeconds: 1, message: "this agent's limit of 1 requests is used up; retry in 1 s" });
  });

  it("leaves unknown agents and agents that cannot run to the executor's 404 and 422, spending no token", async () => {
    const { run, statuses } = setup({ user: hourly(1) });
    await expect(run('nobody', { userId: 'ada' })).rejects.toBeInstanceOf(AgentNotFoundError);
    await expect(run('nollm', { userId: 'ada' })).rejects.toBeInstanceOf(AgentNotExecutableError);
    expect(statuses).toEqual([]);
    await expect(run('support', { userId: 'ada' })).resolves.toBeDefined();
  });

  it('runs unchecked with skipRateLimit: no bucket read, no token taken', async () => {
    const { run, statuses } = setup({ user: hourly(1) });
    for (let i = 0; i < 3; i++) await run('support', { userId: 'ada', skipRateLimit: true });
    expect(statuses).toEqual([]);
    await expect(run('support', { userId: 'ada' })).resolves.toBeDefined();
  });

  it('refuses with RateLimitUnavailableError when the store fails and fail_open is false, and admits when it is true', async () => {
    const broken: RateLimitStore = { backend: 'redis', take: () => Promise.reject(new Error('Command timed out')) };
    await expect(setup({ user: hourly(5), fail_open: false }, { store: broken }).run('support')).rejects.toBeInstanceOf(RateLimitUnavailableError);
    const open = setup({ user: hourly(5), fail_open: true }, { store: broken });
    await expect(open.run('support')).resolves.toBeDefined();
    expect(open.statuses).toEqual([]);
  });

  describe('executeStream', () => {
    it('checks at the first next(), and refuses before any event', async () => {
      const { runner, runStream, provider, statuses } = setup({ user: hourly(1) });
      // Lazy like every runner: making the stream takes no token.
      runner.executeStream('support', 'q', {}, { requestId: 'unread', userId: 'ada' });
      expect((await runStream('support', { userId: 'ada' })).map((e) => e.type)).toEqual(['start', 'delta', 'delta', 'delta', 'done']);
      const refused = runStream('support', { userId: 'ada' });
      await expect(refused).rejects.toBeInstanceOf(RateLimitExceededError);
      expect(statuses.map((s) => s.remaining)).toEqual([0, 0]);
      expect(provider.calls).toHaveLength(1);
    });
  });
});
