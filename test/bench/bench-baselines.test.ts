import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bareProxy } from '../../bench/baselines/bare-proxy.js';
import { mapRoute } from '../../bench/baselines/map-route.js';
import { ANSWER_WORDS } from '../../bench/mock/mock-bodies.js';
import { MockUpstream } from '../../bench/mock/mock-upstream.js';
import { probeCacheHit } from '../../bench/probes/cache-hit-probe.js';
import { probeRateLimit } from '../../bench/probes/rate-limit-probe.js';
import { AVAILABLE } from '../../bench/probes/probe-outcome.js';
import { agentSystemPrompt, gatewayExecuteRequest } from '../../bench/requests/bench-requests.js';
import { repoPaths } from '../../bench/repo-paths.js';

// The baselines of issue #12 must do the job the gateway's rows do, or the ratios compare
// unlike work: the proxy reaches the mock once per request and answers its text; the Map route
// passes the same probes as the gateway (X-Cache: HIT on a repeat, 429 once the budget is spent)
// and never reaches an upstream.

const TEXT = ANSWER_WORDS.join(' ');
const execute = gatewayExecuteRequest({ unique: false });

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

describe('the bare Fastify + undici proxy', () => {
  let mock: MockUpstream;
  let app: FastifyInstance;

  beforeEach(async () => {
    mock = new MockUpstream({ delayMs: 0, chunkDelayMs: 0 });
    const port = await mock.listen(0);
    app = bareProxy({ upstreamBaseUrl: `http://127.0.0.1:${port}/v1`, systemPrompt: agentSystemPrompt(repoPaths().bench), connections: 4 });
  });

  afterEach(async () => {
    await app.close();
    await mock.close();
  });

  it("forwards each /execute to the mock's chat completions and answers its text as the gateway shapes it", async () => {
    for (const n of [1, 2]) {
      const answer = await app.inject({ method: 'POST', url: execute.path, headers: execute.headers, payload: { input: `Where is order #${n}?` } });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ agent: { name: 'bench-support' }, output: TEXT, model: 'gpt-4o-mini', usage: { input_tokens: 96, output_tokens: ANSWER_WORDS.length }, finish_reason: 'stop', cached: false });
    }
    expect(mock.stats).toMatchObject({ openai: 2, total: 2 });
  });

  it('refuses a body without an input, and another agent, without reaching the mock', async () => {
    expect((await app.inject({ method: 'POST', url: execute.path, payload: { prompt: 'x' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/agents/other/execute', payload: { input: 'x' } })).statusCode).toBe(404);
    expect(mock.stats.total).toBe(0);
  });
});

describe('the bare Fastify route answering from a Map', () => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('cache-hit: stores an unknown input, then answers it X-Cache: HIT (the harness probe passes)', async () => {
    app = mapRoute('cache-hit');
    const origin = await listen(app);
    expect(await probeCacheHit(origin, execute)).toEqual(AVAILABLE);
    const other = await app.inject({ method: 'POST', url: execute.path, payload: { input: 'something else' } });
    expect(other.headers['x-cache']).toBe('MISS');
    const hit = await app.inject({ method: 'POST', url: execute.path, payload: JSON.parse(execute.body) as object });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.json()).toMatchObject({ output: TEXT, cached: true });
  });

  it('rate-limit: one answer per client key, then 429 with Retry-After and RateLimit-* (the harness probe passes)', async () => {
    app = mapRoute('rate-limit');
    const origin = await listen(app);
    expect(await probeRateLimit(origin, execute)).toEqual(AVAILABLE);
    const again = await app.inject({ method: 'POST', url: execute.path, headers: execute.headers, payload: { input: 'x' } });
    expect(again.statusCode).toBe(429);
    expect(again.headers).toMatchObject({ 'retry-after': '3600', 'ratelimit-limit': '1', 'ratelimit-remaining': '0' });
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    const otherClient = await app.inject({ method: 'POST', url: execute.path, headers: { authorization: 'Bearer another' }, payload: { input: 'x' } });
    expect(otherClient.statusCode).toBe(200);
  });
});
