import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateInputTokens, estimateTextTokens } from '../../src/budgets/estimate-tokens.js';
import { agentManifest, tempDir, type JsonBody } from '../support/gateway-harness.js';
import { ROOT, startServe, type ServeProcess } from '../support/cli-process.js';
import { startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { postForEvents } from '../support/sse-client.js';
import { connectTestRedis, TEST_REDIS_URL, type TestRedis } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';

const DAILY = 1000;
const PER_REQUEST = 200;
const ENV = { MOCK_KEY: 'sk-TESTKEY-budgets-000000000000' };

/** Seconds until the end of the UTC day, as the gateway's Retry-After counts them. */
const toMidnight = (): number => Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
const today = (): number => Math.floor(Date.now() / 86_400_000);

/**
 * Two `ossa-gateway serve` processes, one Redis, one recording upstream: an agent's daily token
 * budget holds across processes under concurrent load, and a stream cut short is charged
 * what it used.
 */
describe('token budgets shared by two gateway processes on one Redis', () => {
  let redis: TestRedis;
  let upstream: MockUpstream;
  let dir: string;
  let gateways: ServeProcess[];

  /** The spend and holds of an agent's daily token budget, read from Redis. */
  const counter = async (agent: string) => {
    const [spent, held] = await redis.client.hmget(`${redis.prefix}{budget}:agent:${agent}:tokens:day:${today()}`, 's', 'h');
    return { spent: Number(spent ?? 0), held: Number(held ?? 0) };
  };
  /** What the gateway estimates a request's input at, from the prompt that reached the upstream. */
  const estimateOnTheWire = (body: JsonBody): number => {
    const [system, ...messages] = body.messages as { role: string; content: string }[];
    return estimateInputTokens({ system: system!.content, history: messages.map((m) => ({ role: 'user' as const, content: m.content })), input: '', tools: [] });
  };

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([connectTestRedis(), startMockOpenAI()]);
    // Slow enough that requests through both processes are in flight together.
    upstream.mode = { kind: 'reply', delayMs: 40 };
    const cost = (daily: number) => `  constraints:\n    cost: { maxTokensPerDay: ${daily}, maxTokensPerRequest: ${PER_REQUEST} }\n`;
    dir = tempDir({
      'agents/support.ossa.yaml': agentManifest('support', { provider: 'mock', model: 'gpt-test' }, cost(DAILY)),
      'agents/streamer.ossa.yaml': agentManifest('streamer', { provider: 'mock', model: 'gpt-test' }, cost(100_000)),
    });
    writeFileSync(
      join(dir, 'ossa.yaml'),
      `ossa:
  manifest_paths: [agents]
  server: { port: 0 }
  providers:
    mock: { type: openai-compatible, base_url: "${upstream.url}", api_key: "\${MOCK_KEY}", max_retries: 0 }
  redis: { url: "${TEST_REDIS_URL}", key_prefix: "${redis.prefix}", command_timeout_ms: 1000 }
  budgets: { storage: redis, fail_open: false }
  cache: { enabled: false }
  security: { audit_logging: false }
`,
    );
    gateways = await Promise.all([startServe(dir, ENV, ['--config', 'ossa.yaml']), startServe(dir, ENV, ['--config', 'ossa.yaml'])]);
  });

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((g) => g.stop()));
    upstream?.resume();
    await Promise.all([redis?.cleanup(), upstream?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`never settles more than a ${DAILY}-token daily budget between them: bursts of 50 concurrent requests until it is spent`, async () => {
    const answered: JsonBody[] = [];
    const refused: { res: Response; midnightIn: number }[] = [];
    // Bursts of 50, half through each process. Each request holds up to ${PER_REQUEST} tokens
    // while in flight and settles far less, so each burst admits a few; until one admits none.
    for (let burst = 0, admitted = -1; admitted !== 0 && burst < 30; burst++) {
      const before = answered.length;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          gateways[i % 2]!.post('/v1/agents/support/execute', { input: `Please summarise ticket number ${burst}-${String(i).padStart(2, '0')} for the support queue today.` }),
        ),
      );
      for (const res of results) {
        if (res.status === 200) answered.push(await res.json());
        else if (res.status === 429) refused.push({ res, midnightIn: toMidnight() });
        else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
      }
      admitted = answered.length - before;
      const now = await counter('support');
      expect(now.held).toBe(0);
      expect(now.spent).toBeLessThanOrEqual(DAILY);
    }
    const settled = await counter('support');
    const usage = answered.reduce((sum, body) => sum + body.usage.total_tokens, 0);
    // Every admitted request settled its real usage (the upstream's), nothing is still held, and the total fits.
    expect(settled).toEqual({ spent: usage, held: 0 });
    expect(usage).toBeLessThanOrEqual(DAILY);
    // Spent down to less than one request's worst case: the next is refused.
    expect(usage).toBeGreaterThan(DAILY - PER_REQUEST);
    expect(refused.length).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(answered.length);
    // maxTokensPerRequest: each request's max_tokens was lowered so input + output fit in it.
    for (const request of upstream.requests) expect((request.body as JsonBody).max_tokens).toBe(PER_REQUEST - estimateOnTheWire(request.body));
    // Both processes answered and refused.
    expect(new Set(answered.map((body) => body.request_id)).size).toBe(answered.length);
    for (const g of gateways) expect(refused.some((r) => r.res.url.startsWith(g.url))).toBe(true);
    // Retry-After: the end of the UTC day, when the budget starts again.
    for (const { res, midnightIn } of refused) expect(Math.abs(Number(res.headers.get('retry-after')) - midnightIn)).toBeLessThanOrEqual(2);
    const refusal = refused.at(-1)!.res;
    expect(refusal.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refusal.json()).toMatchObject({ type: 'urn:ossa-gateway:problem:budget-exceeded', status: 429, budget: 'spec.constraints.cost.maxTokensPerDay' });
    // No request failed open: the store answered every check.
    expect(gateways.flatMap((g) => g.output().split('\n')).filter((line) => line.includes('budget store (redis) failed'))).toEqual([]);
  });

  it('settles a stream the client abandoned midway with the input and the tokens it had been sent', async () => {
    upstream.reset();
    upstream.script({ kind: 'reply', text: 'alpha beta gamma delta epsilon zeta eta theta', pauseAfterDeltas: 3 });
    const hangUp = new AbortController();
    const reader = await postForEvents(`${gateways[1]!.url}/v1/chat/completions`, { model: 'streamer', stream: true, messages: [{ role: 'user', content: 'Tell me a long story.' }] }, {}, hangUp.signal);
    expect(reader.response.status).toBe(200);
    const pieces: string[] = [];
    while (pieces.length < 3) {
      const event = await reader.next();
      const content = event?.json?.choices?.[0]?.delta?.content;
      if (typeof content === 'string' && content !== '') pieces.push(content);
    }
    // Held while it runs: the worst case, the whole of maxTokensPerRequest.
    expect(await counter('streamer')).toEqual({ spent: 0, held: PER_REQUEST });
    hangUp.abort();
    await upstream.until(() => upstream.requests[0]?.aborted === true);
    const settled = await waitFor(async () => {
      const now = await counter('streamer');
      return now.held === 0 && now;
    });
    expect(settled).toEqual({ spent: estimateOnTheWire(upstream.requests[0]!.body) + estimateTextTokens(...pieces), held: 0 });
  });
});
