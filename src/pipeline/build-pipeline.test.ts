import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { readAuditFile } from '../../test/support/audit-file.js';
import { LogCapture, tempDir } from '../../test/support/gateway-harness.js';
import { startMockOpenAI, type MockUpstream } from '../../test/support/mock-upstreams.js';
import { supportCall } from '../../test/support/scripted-provider.js';
import { normalizeConfig } from '../config/load-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { GatewayEventType } from '../events/gateway-events.js';
import { RateLimitExceededError } from '../rate-limit/rate-limit-errors.js';
import { buildPipeline } from './build-pipeline.js';

function build(ossa: Record<string, unknown>, agents = [testAgent('support', { llm: { provider: 'local', model: 'llama', fallbackModels: [] } })]) {
  const { config } = normalizeConfig(ossa, { env: {} });
  const logs = new LogCapture();
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const seen: { type: GatewayEventType; provider?: string }[] = [];
  for (const type of ['circuit.opened', 'provider.attempt', 'provider.retry'] as const) {
    events.on(type, (e) => void seen.push({ type, provider: e.provider }));
  }
  const pipeline = buildPipeline({ config, env: {}, logger: pino(logs.stream), events, source: 'ossa.yaml', agents });
  return { pipeline, logs, seen, events };
}

const signal = new AbortController().signal;

describe('buildPipeline', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockOpenAI();
  });
  afterAll(async () => {
    await mock.close();
  });

  describe('per-provider layers', () => {
    it('audits every attempt the breaker lets through: retries are separate request/response pairs', async () => {
      mock.reset();
      mock.fail({ status: 500, times: 2 });
      const path = join(tempDir(), 'audit.jsonl');
      const { pipeline, seen } = build({
        providers: { local: { type: 'openai-compatible', base_url: mock.url, max_retries: 2, circuit_breaker: { initial_backoff_ms: 0 } } },
        security: { audit: { sink: 'file', path } },
      });
      const result = await pipeline.catalog.get('local')!.provider!.complete(supportCall({ model: 'llama' }), signal);
      expect(result).toMatchObject({ provider: 'local', attempts: 3 });
      await pipeline.audit!.flush();
      expect(readAuditFile(path).records.map((r) => `${r.event}#${r.attempt}`)).toEqual(['llm_request#1', 'llm_error#1', 'llm_request#2', 'llm_error#2', 'llm_request#3', 'llm_response#3']);
      expect(seen.filter((e) => e.type === 'provider.attempt')).toHaveLength(3);
      expect(seen.filter((e) => e.type === 'provider.retry')).toHaveLength(2);
      expect(mock.requests).toHaveLength(3);
      await pipeline.close();
    });

    it('builds one breaker per provider, none when circuit_breaker.enabled is false, and retries either way', async () => {
      mock.reset();
      mock.fail({ status: 500, times: 1 });
      const { pipeline } = build({
        providers: {
          guarded: { type: 'openai-compatible', base_url: mock.url },
          plain: { type: 'openai-compatible', base_url: mock.url, circuit_breaker: { enabled: false, initial_backoff_ms: 0 } },
        },
      }, []);
      expect([...pipeline.circuits.keys()].sort()).toEqual(['echo', 'guarded']);
      await expect(pipeline.catalog.get('plain')!.provider!.complete(supportCall(), signal)).resolves.toMatchObject({ attempts: 2 });
      expect(mock.requests).toHaveLength(2);
      await pipeline.close();
    });

    it('makes one attempt per call with max_retries: 0 (no retry layer)', async () => {
      mock.reset();
      mock.fail({ status: 500, times: 1 });
      const { pipeline, seen } = build({ providers: { local: { type: 'openai-compatible', base_url: mock.url, max_retries: 0 } } }, []);
      await expect(pipeline.catalog.get('local')!.provider!.complete(supportCall(), signal)).rejects.toMatchObject({ status: 500 });
      expect(mock.requests).toHaveLength(1);
      expect(seen.filter((e) => e.type === 'provider.retry')).toEqual([]);
      await pipeline.close();
    });

    it('writes no audit record with audit_logging off, and still dispatches provider.attempt', async () => {
      mock.reset();
      const path = join(tempDir(), 'audit.jsonl');
      const { pipeline, seen } = build({
        providers: { local: { type: 'openai-compatible', base_url: mock.url } },
        security: { audit_logging: false, audit: { sink: 'file', path } },
      }, []);
      expect(pipeline.audit).toBeUndefined();
      await pipeline.catalog.get('local')!.provider!.complete(supportCall(), signal);
      expect(readAuditFile(path).records).toEqual([]);
      expect(seen.filter((e) => e.type === 'provider.attempt')).toHaveLength(1);
      await pipeline.close();
    });

    it('reports circuit state changes as events and log lines', async () => {
      mock.reset();
      mock.mode = { kind: 'error', status: 503 };
      const { pipeline, logs, seen } = build({
        providers: { flaky: { type: 'openai-compatible', base_url: mock.url, max_retries: 0, circuit_breaker: { failure_threshold: 2, reset_timeout: 30 } } },
      }, []);
      const provider = pipeline.catalog.get('flaky')!.provider!;
      for (let i = 0; i < 3; i++) await provider.complete(supportCall(), signal).catch(() => undefined);
      expect(mock.requests).toHaveLength(2);
      expect(seen.filter((e) => e.type === 'circuit.opened')).toEqual([{ type: 'circuit.opened', provider: 'flaky' }]);
      expect(logs.find((l) => l['circuit_to'] === 'open')).toMatchObject({ level: 40, provider: 'flaky', msg: 'circuit of provider flaky opened after 2 consecutive failures; calls fail over for 30 s' });
      expect(pipeline.circuits.get('flaky')!.state).toBe('open');
      await pipeline.close();
    });
  });

  describe('runner layers', () => {
    it('limits the runner before its cache: a rejected request is no lookup and no upstream call', async () => {
      mock.reset();
      const { pipeline, events } = build({
        providers: { local: { type: 'openai-compatible', base_url: mock.url, model: 'llama' } },
        rate_limit: { user: { limit: 1, interval: '1 hour' } },
      });
      const lookups: string[] = [];
      events.on('cache.lookup', (e) => void lookups.push(e.result));
      const run = (requestId: string) => pipeline.runner.execute('support', 'same question', {}, { requestId, userId: 'ada' });
      expect(await run('r-1')).toMatchObject({ cached: false });
      await expect(run('r-2')).rejects.toBeInstanceOf(RateLimitExceededError);
      expect(lookups).toEqual(['miss']);
      expect(mock.requests).toHaveLength(1);
      // Another user: admitted, and answered from the cache the first one filled.
      expect(await pipeline.runner.execute('support', 'same question', {}, { requestId: 'r-3', userId: 'bob' })).toMatchObject({ cached: true });
      expect(lookups).toEqual(['miss', 'hit']);
      await pipeline.close();
    });

    it('runs without a runner layer when rate limits and cache are off', async () => {
      mock.reset();
      const { pipeline } = build({ providers: { local: { type: 'openai-compatible', base_url: mock.url, model: 'llama' } }, rate_limit: { enabled: false }, cache: { enabled: false } });
      expect(pipeline.runner).toBe(pipeline.executor);
      expect(pipeline.rateLimiter).toBeUndefined();
      expect(pipeline.cache).toBeUndefined();
      expect(pipeline.budgets).toBeUndefined();
      await pipeline.close();
    });

    it('spends budget behind the cache: a hit holds and spends nothing; no budget declared, or budgets.enabled false, no budget layer', async () => {
      mock.reset();
      const providers = { local: { type: 'openai-compatible', base_url: mock.url, model: 'llama' } };
      const budgeted = [testAgent('support', { llm: { provider: 'local', model: 'llama', fallbackModels: [] }, cost: { maxTokensPerDay: 100_000 } })];
      const { pipeline, events } = build({ providers, rate_limit: { enabled: false } }, budgeted);
      const spent: number[] = [];
      events.on('budget.spend', (e) => void spent.push(e.spent));
      const run = (requestId: string) => pipeline.runner.execute('support', 'same question', {}, { requestId });
      const first = await run('r-1');
      expect(await run('r-2')).toMatchObject({ cached: true });
      expect(mock.requests).toHaveLength(1);
      // One reservation and one settlement, of the miss alone.
      expect(spent).toEqual([0, first.usage.total_tokens]);
      expect((await pipeline.budgets!.status(budgeted))[0]).toMatchObject({ budget: 'spec.constraints.cost.maxTokensPerDay', spent: first.usage.total_tokens, held: 0 });
      await pipeline.close();

      const off = build({ providers, rate_limit: { enabled: false }, cache: { enabled: false }, budgets: { enabled: false } }, budgeted).pipeline;
      expect(off.budgets).toBeUndefined();
      expect(off.runner).toBe(off.executor);
      await off.close();
    });
  });

  it('reports key and route problems as issues, without throwing', async () => {
    const { pipeline } = build({ env: 'prod', providers: { local: { type: 'openai-compatible', base_url: 'http://10.0.0.5/v1' } } });
    expect(pipeline.issues).toEqual([
      { file: 'ossa.yaml', path: 'providers.local.base_url', message: expect.stringMatching(/must be https/) },
      expect.objectContaining({ message: expect.stringMatching(/agent "support": provider "local" is not configured/) }),
    ]);
    await pipeline.close();
  });
});
