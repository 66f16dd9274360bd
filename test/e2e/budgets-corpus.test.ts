import { NO_SERVER_TOOLS } from '../../src/tools/resolve-agent-tools.js';
import type { ToolKindHandler } from '../../src/tools/server-tool.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../src/budgets/estimate-tokens.js';
import { findCorpusAgent, HAVE_CORPUS, type CorpusAgent } from '../support/ossa-corpus.js';
import { readJson, startTestGateway, type JsonBody, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';

// The corpus agent's own tools are declared, never run here: this suite is about budgets / PII.
const STUB_TOOLS: ToolKindHandler = { kind: 'function', accepts: () => true, resolve: () => ({ source: NO_SERVER_TOOLS }) };

const ENV = { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-budgets-000000', OPENAI_API_KEY: 'sk-TESTKEY-budgets-111111' };
/** USD per million tokens. */
const PRICE = { input: 30, output: 60 };

/** What the gateway estimated a request's input at, from the prompt that reached the upstream (OpenAI's wire). */
function estimateOnTheWire(body: JsonBody): number {
  const [system, ...messages] = body.messages as { role: string; content: string }[];
  return estimateInputTokens({ system: system!.content, history: messages.map((m) => ({ role: 'user' as const, content: m.content })), input: '', tools: [] });
}

/**
 * A corpus agent that declares `spec.constraints.cost` (maxTokensPerRequest as large as its
 * own max tokens, and maxCostPerDay), served as it is in front of a recording upstream.
 */
describe.skipIf(!HAVE_CORPUS)("a corpus agent's spec.constraints.cost, enforced", () => {
  let openai: MockUpstream;
  let anthropic: MockUpstream;
  let g: TestGateway;
  let found: CorpusAgent;
  const as = (user: string) => ({ 'x-user-id': user });
  /** The usage of every answer, as the client was told it. */
  const answered: { prompt_tokens: number; completion_tokens: number }[] = [];

  beforeAll(async () => {
    found = findCorpusAgent('an OpenAI agent with maxTokensPerRequest up to its max tokens and maxCostPerDay', (a) =>
      a.llm.provider === 'openai' && a.llm.fallbackModels.length === 0 && a.cost?.maxTokensPerRequest !== undefined && a.cost.maxCostPerDay !== undefined &&
      a.llm.maxTokens !== undefined && a.llm.maxTokens >= a.cost.maxTokensPerRequest && a.llm.model !== undefined);
    [openai, anthropic] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
    g = await startTestGateway({
      toolKinds: [STUB_TOOLS],
      ossa: {
        manifest_paths: [found.file],
        auto_discover: false,
        providers: {
          openai: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, max_retries: 0 },
          anthropic: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, max_retries: 0 },
        },
        // Each user's worst case is the agent's whole maxTokensPerRequest: a second request of the day does not fit.
        budgets: { user: { tokens_per_day: found.agent.cost!.maxTokensPerRequest! + 10 }, prices: { openai: { [found.agent.llm.model!]: PRICE } } },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { audit_logging: false, trust_user_header: true },
      },
      env: ENV,
    });
  });

  afterAll(async () => {
    await g?.close();
    await Promise.all([openai?.close(), anthropic?.close()]);
  });

  it('lowers max_tokens on the wire so input + output fit in maxTokensPerRequest, then refuses the next request over the user budget in OpenAI\'s shape', async () => {
    const { agent } = found;
    const perRequest = agent.cost!.maxTokensPerRequest!;
    const ask = (user: string) => g.post('/v1/chat/completions', { model: agent.name, max_tokens: 100_000, messages: [{ role: 'user', content: 'Pods keep restarting in namespace web.' }] }, as(user));
    const ok = await ask('ada');
    expect(ok.status).toBe(200);
    answered.push((await readJson(ok)).usage);
    expect(openai.requests).toHaveLength(1);
    const wire = openai.requests[0]!.body as JsonBody;
    expect(wire.max_tokens).toBe(perRequest - estimateOnTheWire(wire));
    expect(wire.max_tokens).toBeLessThan(agent.llm.maxTokens!);

    const refused = await ask('ada');
    expect(refused.status).toBe(429);
    const midnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    expect(Math.abs(Number(refused.headers.get('retry-after')) - midnight)).toBeLessThanOrEqual(2);
    const body = await readJson(refused);
    expect(body).toEqual({ error: { type: 'tokens', code: 'rate_limit_exceeded', param: null, message: expect.stringMatching(/^your budget budgets\.user\.tokens_per_day of \d+ tokens a day \(UTC\) has \d+ tokens left/) } });
    // The same refusal on the Anthropic surface, in Anthropic's shape.
    const messages = await g.post('/v1/messages', { model: agent.name, max_tokens: 100_000, messages: [{ role: 'user', content: 'Pods keep restarting.' }] }, { ...as('ada'), 'anthropic-version': '2023-06-01' });
    expect(messages.status).toBe(429);
    expect(messages.headers.get('retry-after')).toBe(refused.headers.get('retry-after'));
    expect(await readJson(messages)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('budgets.user.tokens_per_day') } });
    expect(openai.requests).toHaveLength(1);
    // What is left still fits a request that asks for fewer tokens, as the message suggests.
    const smaller = await g.post('/v1/chat/completions', { model: agent.name, max_tokens: 5, messages: [{ role: 'user', content: 'Briefly.' }] }, as('ada'));
    expect(smaller.status).toBe(200);
    answered.push((await readJson(smaller)).usage);
    expect((openai.requests[1]!.body as JsonBody).max_tokens).toBe(5);
    // Another user's budget is their own.
    const bob = await ask('bob');
    expect(bob.status).toBe(200);
    answered.push((await readJson(bob)).usage);
  });

  it("answers an input larger than maxTokensPerRequest with a 400 in each surface's shape, before any upstream call", async () => {
    const { agent } = found;
    const before = openai.requests.length;
    const huge = 'word '.repeat(agent.cost!.maxTokensPerRequest! * 2);
    const chat = await g.post('/v1/chat/completions', { model: agent.name, messages: [{ role: 'user', content: huge }] }, as('carol'));
    expect(chat.status).toBe(400);
    expect(await readJson(chat)).toMatchObject({ error: { type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages', message: expect.stringContaining(`spec.constraints.cost.maxTokensPerRequest: ${agent.cost!.maxTokensPerRequest}`) } });
    const messages = await g.post('/v1/messages', { model: agent.name, max_tokens: 100, messages: [{ role: 'user', content: huge }] }, { ...as('carol'), 'anthropic-version': '2023-06-01' });
    expect(messages.status).toBe(400);
    expect(await readJson(messages)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('maxTokensPerRequest') } });
    const native = await g.post(`/v1/agents/${agent.name}/execute`, { input: huge }, as('carol'));
    expect(native.status).toBe(400);
    expect(await readJson(native)).toMatchObject({ type: 'urn:ossa-gateway:problem:input-too-long', budget: 'spec.constraints.cost.maxTokensPerRequest' });
    expect(openai.requests).toHaveLength(before);
  });

  it("shows the agent's spend against its budgets in /status.json and the metrics, priced by the price table", async () => {
    const { agent } = found;
    expect(answered).toHaveLength(3);
    // Each answer in whole micro-USD (rounded up), at the table's input and output prices.
    const expectedUsd = answered.reduce((sum, u) => sum + Math.ceil(u.prompt_tokens * PRICE.input + u.completion_tokens * PRICE.output), 0) / 1e6;
    const status = await readJson(await g.get('/status.json'));
    const rows = (status.budgets as JsonBody[]).filter((row) => row.subject === agent.name);
    expect(rows.map((row) => row.budget).sort()).toEqual(['spec.constraints.cost.maxCostPerDay', ...(agent.cost!.maxTokensPerDay !== undefined ? ['spec.constraints.cost.maxTokensPerDay'] : [])].sort());
    const cost = rows.find((row) => row.budget === 'spec.constraints.cost.maxCostPerDay');
    expect(cost).toMatchObject({ scope: 'agent', unit: 'usd', limit: agent.cost!.maxCostPerDay, held: 0 });
    expect(cost.spent).toBeCloseTo(expectedUsd, 9);
    expect(cost.spent).toBeGreaterThan(0);
    // The live page draws the same rows (its script reads status.json's budgets).
    expect(await (await g.get('/status')).text()).toContain('<tbody id="budgets"></tbody>');
    const samples = parsePrometheus(await (await g.get('/metrics')).text());
    expect(sampleValue(samples, 'ossa_budget_spent', { budget: 'spec.constraints.cost.maxCostPerDay', subject: agent.name })).toBeCloseTo(cost.spent, 9);
    expect(sampleValue(samples, 'ossa_budget_limit', { budget: 'spec.constraints.cost.maxCostPerDay', subject: agent.name })).toBe(agent.cost!.maxCostPerDay);
    expect(sampleValue(samples, 'ossa_budget_rejections_total', { budget: 'budgets.user.tokens_per_day', agent: agent.name })).toBe(2);
  });
});
