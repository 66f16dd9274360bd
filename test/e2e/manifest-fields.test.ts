import type { ToolKindHandler } from '../../src/tools/server-tool.js';
import { NO_SERVER_TOOLS } from '../../src/tools/resolve-agent-tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, findCorpusAgent, HAVE_CORPUS, SCHEMAS, type CorpusAgent } from '../support/ossa-corpus.js';
import { runCli } from '../support/cli-process.js';
import { readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';

const ENV = { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-manifests-000000', OPENAI_API_KEY: 'sk-TESTKEY-manifests-111111', GOOGLE_API_KEY: 'TESTKEY-manifests-222222' };

/**
 * Corpus agents, served as they are from ../shared/ossa-examples (found by what they declare,
 * never copied), in front of recording upstreams: what each declared field does on the wire.
 */
/** A kind that takes every tool entry and offers nothing: the agent starts, its tools are not the subject. */
const STUB_TOOLS: ToolKindHandler = { kind: 'function', accepts: () => true, resolve: () => ({ source: NO_SERVER_TOOLS }) };

describe.skipIf(!HAVE_CORPUS)('what real manifests declare, the gateway does', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let google: MockUpstream;
  let g: TestGateway;
  /** Every wait between retries, in order (the gateway's sleep, injected: no real waits). */
  const waits: number[] = [];
  const agents: Record<string, CorpusAgent> = {};

  beforeAll(async () => {
    Object.assign(agents, {
      // llm.retry_config {max_attempts: 3, exponential, 1 s}, fallbacks by condition: on_error, on_rate_limit.
      scanner: findCorpusAgent('retry_config and on_error / on_rate_limit fallbacks', (a) =>
        a.llm.retry?.maxAttempts === 3 && a.llm.retry.backoff === 'exponential' &&
        a.llm.fallbackModels.some((f) => f.trigger?.onRateLimit) && a.llm.fallbackModels.some((f) => f.trigger?.onError && !f.trigger.onRateLimit)),
      // fallback_models[0].trigger {on_error: true, max_retries: 2}, no retry_config.
      capped: findCorpusAgent('a fallback trigger with max_retries', (a) => a.llm.retry === undefined && a.llm.fallbackModels[0]?.trigger?.maxRetries === 2),
      // extensions.openai_agents.instructions, unlike its spec.role.
      openaiAgent: findCorpusAgent('extensions.openai_agents.instructions', (a) => a.llm.provider === 'openai' && a.extensions.openai?.instructions !== undefined && a.extensions.openai.instructions !== a.systemPrompt),
      // An Anthropic agent that sets no max tokens anywhere.
      plainClaude: findCorpusAgent('an anthropic agent without max tokens', (a) => a.llm.provider === 'anthropic' && a.llm.maxTokens === undefined && a.extensions.anthropic === undefined && a.llm.fallbackModels.length === 0),
      // extensions.anthropic.max_tokens.
      claudeExtension: findCorpusAgent('extensions.anthropic.max_tokens', (a) => a.llm.provider === 'anthropic' && a.extensions.anthropic?.maxTokens !== undefined),
      // spec.safety.content_filtering (not enforced: a warning).
      filtered: findCorpusAgent('spec.safety.content_filtering', (a) => a.unenforced.includes('spec.safety.content_filtering')),
      // Two versions of one agent.
      producerV1: findCorpusAgent('data-producer 1.0.0', (a) => a.name === 'data-producer' && a.version === '1.0.0'),
      producerV2: findCorpusAgent('data-producer 2.0.0', (a) => a.name === 'data-producer' && a.version === '2.0.0'),
    });
    [anthropic, openai, google] = await Promise.all([startMockAnthropic(), startMockOpenAI(), startMockOpenAI()]);
    const breaker = { failure_threshold: 100, initial_backoff_ms: 0 };
    g = await startTestGateway({
      ossa: {
        manifest_paths: [...new Set(Object.values(agents).map((a) => a.file))],
        auto_discover: false,
        providers: {
          // Five retries of its own: the scanner's retry_config (3 attempts) and the capped trigger (2 retries) both say fewer.
          anthropic: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, max_retries: 5, default_max_tokens: 1500, circuit_breaker: breaker },
          openai: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, max_retries: 0, circuit_breaker: breaker },
          // The scanner's on_rate_limit fallback names `google`: an OpenAI-compatible server here.
          google: { type: 'openai-compatible', api_key: '${GOOGLE_API_KEY}', base_url: google.url, max_retries: 0, circuit_breaker: breaker },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { audit_logging: false },
      },
      env: ENV,
      sleep: async (ms) => void waits.push(ms),
      // Their tools (function, MCP, http) need handlers or servers to start; these tests are about their model settings.
      toolKinds: [STUB_TOOLS],
    });
  });

  afterAll(async () => {
    await g?.close();
    await Promise.all([anthropic, openai, google].map((mock) => mock?.close()));
  });

  const reset = () => {
    for (const mock of [anthropic, openai, google]) mock.reset();
    waits.length = 0;
  };
  const execute = async (ref: string) => {
    const res = await g.post(`/v1/agents/${ref}/execute`, { input: 'Scan this repository.' });
    expect(res.status, ref).toBe(200);
    return readJson(res);
  };

  it('retry_config: three attempts with its exponential waits (1 s, 2 s), whatever the provider\'s own max_retries; then a 500 goes to the on_error fallback; topP on the wire', async () => {
    reset();
    anthropic.fail({ status: 500, times: 3 });
    const answer = await execute(agents.scanner!.agent.name);
    expect(anthropic.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    const onError = agents.scanner!.agent.llm.fallbackModels.find((f) => f.trigger?.onError)!;
    expect(answer).toMatchObject({ provider: onError.provider, model: onError.model, fallback_used: true, attempts: 4 });
    expect(openai.requests).toHaveLength(1);
    expect(google.requests).toHaveLength(0);
    // Its maxTokens and its topP (`${LLM_TOP_P:-0.9}`) reach the wire; Anthropic takes top_p instead of temperature.
    expect(anthropic.requests[0]!.body).toMatchObject({ model: agents.scanner!.agent.llm.model, max_tokens: 16000, top_p: 0.9 });
    expect(anthropic.requests[0]!.body).not.toHaveProperty('temperature');
  });

  it('fallback triggers: a 429 goes to the on_rate_limit fallback, with that fallback\'s own model', async () => {
    reset();
    anthropic.fail({ status: 429, times: 3 });
    const answer = await execute(agents.scanner!.agent.name);
    const onRateLimit = agents.scanner!.agent.llm.fallbackModels.find((f) => f.trigger?.onRateLimit)!;
    expect(answer).toMatchObject({ provider: 'google', model: onRateLimit.model, fallback_used: true });
    expect(google.requests.map((r) => (r.body as { model: string }).model)).toEqual([onRateLimit.model]);
    expect(openai.requests).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(3);
  });

  it('trigger.max_retries: the primary gets two retries before the fallback, not its provider\'s five', async () => {
    reset();
    anthropic.mode = { kind: 'error', status: 503 };
    const answer = await execute(agents.capped!.agent.name);
    expect(anthropic.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(answer).toMatchObject({ provider: 'openai', model: agents.capped!.agent.llm.fallbackModels[0]!.model, attempts: 4 });
  });

  it('extensions.openai_agents: its instructions are the system prompt on an OpenAI provider, its model the model', async () => {
    reset();
    const { agent } = agents.openaiAgent!;
    await execute(agent.name);
    const body = openai.requests[0]!.body as { model: string; messages: { role: string; content: string }[] };
    expect(body.messages[0]).toEqual({ role: 'system', content: agent.extensions.openai!.instructions });
    expect(body.model).toBe(agent.extensions.openai!.model ?? agent.llm.model);
    const described = await readJson(await g.get(`/v1/agents/${agent.name}`));
    expect(described).toMatchObject({ system_prompt_source: 'extensions.openai_agents.instructions' });
  });

  it('max tokens: extensions.anthropic.max_tokens wins; without any, the provider\'s default_max_tokens (else Anthropic\'s 4096)', async () => {
    reset();
    await execute(agents.claudeExtension!.agent.name);
    await execute(agents.plainClaude!.agent.name);
    expect(anthropic.requests.map((r) => (r.body as { max_tokens: number }).max_tokens)).toEqual([agents.claudeExtension!.agent.extensions.anthropic!.maxTokens, 1500]);
    const described = await readJson(await g.get(`/v1/agents/${agents.plainClaude!.agent.name}`));
    expect(described.max_tokens).toBe(1500);
  });

  it('serves two versions side by side: the name is the newest, name@version that one, on every route', async () => {
    expect((await execute('data-producer')).agent).toEqual({ name: 'data-producer', version: '2.0.0' });
    expect((await execute('data-producer@1.0.0')).agent).toEqual({ name: 'data-producer', version: '1.0.0' });
    expect((await readJson(await g.get('/v1/agents/data-producer@1.0.0'))).version).toBe('1.0.0');
    const chat = await g.post('/v1/chat/completions', { model: 'data-producer@1.0.0', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(200);
    expect((await g.get('/v1/agents/data-producer@9.9.9')).status).toBe(404);
    const listed = (await readJson(await g.get('/v1/agents'))).agents.filter((a: { name: string }) => a.name === 'data-producer');
    expect(listed.map((a: { version: string }) => a.version)).toEqual(['2.0.0', '1.0.0']);
  });

  it('lists the declared fields it does not enforce on GET /v1/agents/{name}, and logs them at startup', async () => {
    const { agent } = agents.filtered!;
    const described = await readJson(await g.get(`/v1/agents/${agent.name}`));
    expect(described.warnings).toContain('spec.safety.content_filtering is not enforced by ossa-gateway');
    const line = g.logs.find((l) => l['agent'] === agent.name && Array.isArray(l['fields']));
    expect(line).toMatchObject({ level: 'warn', fields: expect.arrayContaining(['spec.safety.content_filtering']) });
  });
});

describe.skipIf(!HAVE_CORPUS)('validate on the OSSA corpus', () => {
  it('reads every file, checks each against its official schema, and sums it up (the README\'s figures)', async () => {
    const run = await runCli(['validate', CORPUS, '--schemas', SCHEMAS, '--quiet'], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    const summary = run.stdout.split('\n');
    expect(summary[0]).toMatch(/^failed: \d+ errors, \d+ warnings$/);
    expect(summary.slice(1, 3)).toEqual(['  files:   176 read, 1 skipped (no OSSA document)', '  agents:  182 in 187 documents (5 skipped: not kind Agent)']);
    // Without a config there are no handlers: no function tool runs; kinds nobody runs yet are counted apart.
    // The default config allows no host: every http tool is refused (the reasons come most frequent first).
    expect(summary[3]).toMatch(/^  tools: {3}\d+ in \d+ agents: 0 runnable, \d+ not \((\d+ (function: no handler|of no kind the gateway runs|function: invalid|http: invalid|mcp: invalid)(, |\)$)){5}/);
    expect(summary[4]).toMatch(/^  schemas: 93 of 176 files pass their official schema \(.*: v0\.3\.0 3 of 3 fail, v0\.3\.3 3 of 3 fail, v0\.3\.5 5 of 5 fail, v0\.4-head 77 of 174 fail, v0\.5-head 0 of 2 fail\)$/);
    // The three defects the corpus test names are still the only ones outside the schemas'.
    const ours = run.stderr.split('\n').filter((l) => l.startsWith('error: ') && !l.includes('(schema v'));
    expect(ours).toHaveLength(5);
    expect(run.stderr).not.toMatch(/^warning: /m);
  }, 60_000);
});
