import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type JsonBody, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { postForEvents } from '../support/sse-client.js';
import { callToolsFirst } from '../support/tool-gateway.js';

// The agent loop over HTTP on 127.0.0.1, against mock upstreams speaking Anthropic's and
// OpenAI's real tool-call wire formats: the gateway runs the manifest's function tools itself.
const TOOLS = `  tools:
    - type: function
      name: lookup_order
      description: The status of an order
      input_schema: { type: object, properties: { order_id: { type: string } }, required: [order_id], additionalProperties: false }
    - type: function
      name: refund_order
      input_schema: { type: object, properties: { order_id: { type: string } }, required: [order_id] }
    - type: function
      name: slow_tool
      timeout_seconds: 0.2
  autonomy:
    approval_required: [refund_order]
  safety:
    guardrails: { max_tool_calls: 3 }
`;
const AGENTS = { anthropic: 'loop-claude', openai: 'loop-gpt' } as const;
const SECRET_IN_TOOL = 'sk-ant-TESTKEY-agentloop-anthropic-0000';

describe('the agent loop over HTTP', () => {
  let g: TestGateway;
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  const lookups: string[] = [];

  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    g = await startTestGateway({
      ossa: {
        providers: {
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 5, max_retries: 0 },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o', timeout: 5, max_retries: 0 },
        },
        rate_limit: { enabled: false },
        security: { audit: { path: 'audit/audit.jsonl' } },
        observability: { metrics: true },
      },
      agents: {
        [AGENTS.anthropic]: agentManifest(AGENTS.anthropic, { provider: 'claude', model: 'claude-sonnet-4-5' }, TOOLS),
        [AGENTS.openai]: agentManifest(AGENTS.openai, { provider: 'gpt', model: 'gpt-4o' }, TOOLS),
      },
      env: { ANTHROPIC_API_KEY: SECRET_IN_TOOL, OPENAI_API_KEY: 'sk-TESTKEY-agentloop-openai-0000' },
      tools: {
        lookup_order: async ({ order_id }) => {
          lookups.push(String(order_id));
          if (order_id === 'boom') throw new Error(`backend said no to ${SECRET_IN_TOOL}`);
          return { order_id, status: 'shipped' };
        },
        refund_order: () => 'refunded',
        slow_tool: (_args, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('too late'))),
      },
    });
  });
  afterAll(async () => {
    await g?.close();
    await Promise.all([anthropic, openai].map((mock) => mock?.close()));
  });
  afterEach(() => {
    anthropic.reset();
    openai.reset();
    lookups.length = 0;
  });

  const upstreamOf = (agent: string): MockUpstream => (agent === AGENTS.anthropic ? anthropic : openai);

  for (const [wire, agent] of Object.entries(AGENTS)) {
    it(`runs two parallel calls, a throwing one and one with invalid arguments, and answers from their results (${wire} wire)`, async () => {
      upstreamOf(agent).mode = callToolsFirst([
        { name: 'lookup_order', arguments: { order_id: 'A-1' } },
        { name: 'lookup_order', arguments: { order_id: 'boom' } },
        { name: 'lookup_order', arguments: { order_id: 42 } },
      ]);
      const res = await g.post(`/v1/agents/${agent}/execute`, { input: 'Where are my orders?' });
      expect(res.status).toBe(200);
      const body = await readJson(res);
      expect(body.finish_reason).toBe('stop');
      expect(body.tool_calls).toBeUndefined();
      expect(lookups.sort()).toEqual(['A-1', 'boom']);
      const results = body.steps.filter((s: JsonBody) => s.role === 'tool');
      expect(results.map((s: JsonBody) => [s.content, s.is_error ?? false])).toEqual([
        ['{"order_id":"A-1","status":"shipped"}', false],
        ['lookup_order failed: backend said no to [redacted]', true],
        ['lookup_order: invalid arguments: /order_id must be string', true],
      ]);
      // The second turn carried the three results in the upstream's own format, ids kept.
      const second = JSON.stringify(upstreamOf(agent).requests[1]!.body);
      for (const step of results) expect(second).toContain(step.tool_call_id);
      expect(second).not.toContain(SECRET_IN_TOOL);
      expect(upstreamOf(agent).requests).toHaveLength(2);
    });

    it(`ends a tool past its timeout as a tool error, and stops at max_tool_calls (${wire} wire)`, async () => {
      upstreamOf(agent).mode = callToolsFirst([{ name: 'slow_tool', arguments: {} }]);
      const slow = await readJson(await g.post(`/v1/agents/${agent}/execute`, { input: 'be slow' }));
      expect(slow.steps.at(-1)).toMatchObject({ role: 'tool', is_error: true, content: 'slow_tool: the tool did not answer within 0.2 s' });

      upstreamOf(agent).mode = callToolsFirst(['1', '2', '3', '4'].map((id) => ({ name: 'lookup_order', arguments: { order_id: id } })));
      const capped = await g.post(`/v1/agents/${agent}/execute`, { input: 'all of them' });
      expect(capped.status).toBe(200);
      expect(await readJson(capped)).toMatchObject({ finish_reason: 'max_tool_calls' });
      expect(lookups).toEqual([]);
    });

    it(`pauses before a tool that needs approval and resumes from the client's result (${wire} wire)`, async () => {
      upstreamOf(agent).mode = callToolsFirst([{ name: 'refund_order', arguments: { order_id: 'A-1' } }]);
      const paused = await readJson(await g.post(`/v1/agents/${agent}/execute`, { input: 'Refund A-1' }));
      expect(paused).toMatchObject({ status: 'requires_action', finish_reason: 'tool_calls', tool_calls: [{ name: 'refund_order' }] });
      expect(paused.pending_approval).toEqual([paused.tool_calls[0].id]);

      const resumed = await g.post(`/v1/agents/${agent}/execute`, {
        messages: [
          { role: 'user', content: 'Refund A-1' },
          ...paused.steps,
          { role: 'tool', tool_call_id: paused.tool_calls[0].id, content: 'the customer service lead rejected it', is_error: true },
        ],
      });
      expect(resumed.status).toBe(200);
      expect(await readJson(resumed)).toMatchObject({ output: 'echo: the customer service lead rejected it', finish_reason: 'stop' });
    });
  }

  it('streams each step on /execute: tool_call (run by the gateway), tool_result, the answer, done', async () => {
    anthropic.mode = callToolsFirst([{ name: 'lookup_order', arguments: { order_id: 'A-1' } }]);
    const events = await (await postForEvents(`${g.url}/v1/agents/${AGENTS.anthropic}/execute`, { input: 'Where is A-1?', stream: true })).rest();
    expect(events.map((e) => e.event).filter((name, i, all) => name !== 'delta' || all[i - 1] !== 'delta')).toEqual(['start', 'tool_call', 'tool_result', 'delta', 'done']);
    expect(events[1]!.json).toMatchObject({ name: 'lookup_order', run_by: 'gateway', kind: 'function' });
    expect(events[2]!.json).toMatchObject({ name: 'lookup_order', content: '{"order_id":"A-1","status":"shipped"}', is_error: false });
    expect(events.filter((e) => e.event === 'delta').map((e) => e.json.text).join('')).toBe('echo: {"order_id":"A-1","status":"shipped"}');
    expect(events.at(-1)!.json).toMatchObject({ finish_reason: 'stop', steps: [{ role: 'assistant' }, { role: 'tool', name: 'lookup_order' }] });
  });

  it('streams the OpenAI surface as the assistant\'s text, with the tool steps in ossa_step', async () => {
    openai.mode = callToolsFirst([{ name: 'lookup_order', arguments: { order_id: 'A-1' } }]);
    const events = await (await postForEvents(`${g.url}/v1/chat/completions`, { model: AGENTS.openai, messages: [{ role: 'user', content: 'Where is A-1?' }], stream: true })).rest();
    const chunks: JsonBody[] = events.slice(0, -1).map((e) => e.json);
    expect(chunks.flatMap((c) => (c.ossa_step ? [c.ossa_step.type] : []))).toEqual(['tool_call', 'tool_result']);
    expect(chunks.flatMap((c) => c.choices.flatMap((choice: JsonBody) => choice.delta.tool_calls ?? []))).toEqual([]);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: {"order_id":"A-1","status":"shipped"}');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  it('pauses on /v1/chat/completions with the waiting call as the assistant\'s tool_calls, and resumes from an OpenAI role tool message', async () => {
    openai.mode = callToolsFirst([{ name: 'refund_order', arguments: { order_id: 'A-2' } }]);
    const paused = await readJson(await g.post('/v1/chat/completions', { model: AGENTS.openai, messages: [{ role: 'user', content: 'Refund A-2' }] }));
    expect(paused.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { tool_calls: [{ type: 'function', function: { name: 'refund_order' } }] } });
    const call = paused.choices[0].message.tool_calls[0];
    const resumed = await g.post('/v1/chat/completions', {
      model: AGENTS.openai,
      messages: [{ role: 'user', content: 'Refund A-2' }, paused.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'approved: refunded by the team lead' }],
    });
    expect(resumed.status).toBe(200);
    expect((await readJson(resumed)).choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'echo: approved: refunded by the team lead' } });
  });

  it('records each tool call in the audit log and the metrics, and never caches a run that used tools', async () => {
    anthropic.mode = callToolsFirst([{ name: 'lookup_order', arguments: { order_id: 'A-9' } }]);
    for (let i = 0; i < 2; i++) expect((await g.post(`/v1/agents/${AGENTS.anthropic}/execute`, { input: 'Audit A-9' })).headers.get('x-cache')).not.toBe('HIT');
    expect(lookups).toEqual(['A-9', 'A-9']);
    const records = readFileSync(join(g.dir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as JsonBody);
    const tools = records.filter((r) => r.event === 'tool_call' && r.agent === AGENTS.anthropic && r.tool === 'lookup_order' && r.outcome === 'ok');
    expect(tools.length).toBeGreaterThanOrEqual(2);
    expect(tools.at(-1)).toMatchObject({ kind: 'function', argument_bytes: 18, result_bytes: 37, duration_ms: expect.any(Number) });
    expect(tools.at(-1).arguments).toBeUndefined();
    const metrics = await (await fetch(`${g.url}/metrics`)).text();
    expect(metrics).toMatch(/ossa_tool_calls_total\{tool="lookup_order",kind="function",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/ossa_tool_calls_total\{tool="lookup_order",kind="function",outcome="error"\} \d+/);
  });
});
