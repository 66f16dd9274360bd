import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type JsonBody, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { SseReader } from '../support/sse-client.js';

// Claude Code's request shapes (test/e2e/fixtures/claude-code-transcript.json: where each shape
// comes from is in its `sources`) replayed through /v1/messages to pass-through models on an
// Anthropic upstream and on an OpenAI upstream, asserting what reaches each.

interface RecordedRequest {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: JsonBody;
}
type Block = Record<string, unknown>;
type Message = { role: string; content: string | Block[] };

const TRANSCRIPT = JSON.parse(readFileSync(new URL('./fixtures/claude-code-transcript.json', import.meta.url), 'utf8')) as { requests: RecordedRequest[] };
const CLIENT_KEY = 'ossa-TESTKEY-claude-code-0123456789abcdef';
const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';

async function gatewayBefore(upstream: MockUpstream, kind: 'anthropic' | 'openai'): Promise<TestGateway> {
  const provider = kind === 'anthropic'
    ? { type: 'anthropic', api_key: '${UPSTREAM_KEY}', base_url: upstream.url, timeout: 5, max_retries: 0 }
    : { type: 'openai', api_key: '${UPSTREAM_KEY}', base_url: upstream.url, timeout: 5, max_retries: 0 };
  // On OpenAI, Claude Code's ids name OpenAI models, whose output limit is below Claude Code's 32000.
  const models = kind === 'anthropic'
    ? { [SONNET]: { provider: 'up' }, [HAIKU]: { provider: 'up' } }
    : { [SONNET]: { provider: 'up', model: 'gpt-4.1', max_tokens: 16384 }, [HAIKU]: { provider: 'up', model: 'gpt-4.1-mini', max_tokens: 16384 } };
  return startTestGateway({
    ossa: { manifest_paths: [], providers: { up: provider }, models, security: { clients: [{ id: 'claude-code', key: '${CLIENT_KEY}', models: ['claude-*'] }] } },
    env: { UPSTREAM_KEY: `sk-TESTKEY-upstream-${kind}-0000`, CLIENT_KEY },
  });
}

/** Replays one recorded request as Claude Code sends it (the key as `x-api-key`, as with ANTHROPIC_API_KEY); reads a stream to its end. */
async function replay(t: TestGateway, request: RecordedRequest): Promise<{ status: number; headers: Headers; events: string[]; body?: JsonBody }> {
  const res = await fetch(`${t.url}${request.path}`, { method: request.method, headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, ...request.headers }, body: JSON.stringify(request.body) });
  if (request.body.stream !== true) return { status: res.status, headers: res.headers, events: [], body: await res.json() };
  const reader = new SseReader(res);
  const events: string[] = [];
  for (let event = await reader.next(); event; event = await reader.next()) events.push(event.event);
  return { status: res.status, headers: res.headers, events };
}

const blocksOf = (message: Message): Block[] => (typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content);

/** The messages an Anthropic upstream is expected to get: Claude Code's, without the thinking blocks (extended thinking is not passed on); an assistant turn of plain text as a string. */
function expectedOnAnthropic(messages: Message[]): Message[] {
  return messages.map((message) => {
    if (message.role !== 'assistant' || typeof message.content === 'string') return message;
    const blocks = message.content.filter((block) => block['type'] !== 'thinking' && block['type'] !== 'redacted_thinking');
    const plain = blocks.every((block) => block['type'] === 'text' && block['cache_control'] === undefined);
    return plain ? { role: 'assistant', content: blocks.map((block) => block['text']).join('\n') } : { role: 'assistant', content: blocks };
  });
}

describe("Claude Code's requests replayed through /v1/messages", () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let toAnthropic: TestGateway;
  let toOpenAI: TestGateway;

  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    [toAnthropic, toOpenAI] = await Promise.all([gatewayBefore(anthropic, 'anthropic'), gatewayBefore(openai, 'openai')]);
  });
  afterAll(async () => {
    await Promise.all([toAnthropic.close(), toOpenAI.close()]);
    await Promise.all([anthropic.close(), openai.close()]);
  });

  const upstreamRequests = TRANSCRIPT.requests.filter((request) => !request.path.startsWith('/v1/messages/count_tokens'));

  it('reaches an Anthropic upstream as Claude Code sent it: system blocks, cache marks, tools, tool_use and tool_result blocks, beta flags', async () => {
    for (const [n, request] of upstreamRequests.entries()) {
      const answer = await replay(toAnthropic, request);
      expect(answer.status, request.name).toBe(200);
      if (request.body.stream === true) expect(answer.events.at(-1), request.name).toBe('message_stop');
      const sent = anthropic.requests[n]!;
      expect(sent.headers['anthropic-beta'], request.name).toBe(request.headers['anthropic-beta']);
      expect(sent.headers['x-api-key'], request.name).toBe('sk-TESTKEY-upstream-anthropic-0000');
      const body = sent.body as JsonBody;
      expect(body.model).toBe(request.body.model);
      expect(body.messages, request.name).toEqual(expectedOnAnthropic(request.body.messages));
      expect(body.system, request.name).toEqual(request.body.system);
      expect(body.tools, request.name).toEqual(request.body.tools?.length ? request.body.tools : undefined);
      expect(body.metadata, request.name).toEqual(request.body.metadata);
      expect(body.max_tokens).toBe(request.body.max_tokens);
      if (request.body.temperature !== undefined) expect(body.temperature).toBe(request.body.temperature);
      expect(body).not.toHaveProperty('thinking');
      if (request.body.thinking !== undefined) expect(answer.headers.get('x-ossa-warning'), request.name).toContain('thinking: extended thinking is not passed on');
    }
    expect(anthropic.requests).toHaveLength(upstreamRequests.length);
  });

  it('reaches an OpenAI upstream translated: one system message, tool calls and one tool message per tool_result with ids intact, beta flags withheld', async () => {
    for (const [n, request] of upstreamRequests.entries()) {
      const answer = await replay(toOpenAI, request);
      expect(answer.status, request.name).toBe(200);
      expect(answer.headers.get('x-ossa-warning'), request.name).toContain(`anthropic-beta: ${request.headers['anthropic-beta']} not sent: up is not an Anthropic provider`);
      const sent = openai.requests[n]!;
      expect(sent.headers['anthropic-beta']).toBeUndefined();
      expect(sent.headers['authorization']).toBe('Bearer sk-TESTKEY-upstream-openai-0000');
      const body = sent.body as JsonBody;
      expect(body.model).toBe(request.body.model === SONNET ? 'gpt-4.1' : 'gpt-4.1-mini');
      expect(body.max_tokens ?? body.max_completion_tokens, request.name).toBe(Math.min(request.body.max_tokens, 16384));
      const messages = body.messages as JsonBody[];
      const claude = request.body.messages as Message[];
      if (request.body.system !== undefined) {
        expect(messages[0]).toEqual({ role: 'system', content: (request.body.system as Block[]).map((block) => block['text']).join('\n\n') });
      }
      // Every tool_use is a tool call with its id, name and input; every tool_result a tool message answering it, in order.
      const uses = claude.filter((m) => m.role === 'assistant').flatMap(blocksOf).filter((block) => block['type'] === 'tool_use');
      const calls = messages.filter((m) => m.role === 'assistant').flatMap((m) => m.tool_calls ?? []);
      expect(calls, request.name).toEqual(uses.map((use) => ({ id: use['id'], type: 'function', function: { name: use['name'], arguments: JSON.stringify(use['input']) } })));
      const results = claude.filter((m) => m.role === 'user').flatMap(blocksOf).filter((block) => block['type'] === 'tool_result');
      expect(messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id), request.name).toEqual(results.map((result) => result['tool_use_id']));
      if (request.body.tools?.length) {
        expect(body.tools, request.name).toEqual((request.body.tools as Block[]).map((tool) => ({ type: 'function', function: { name: tool['name'], description: tool['description'], parameters: tool['input_schema'] } })));
      }
    }
    // The topic request's prefill reaches OpenAI as the last assistant turn.
    expect((openai.bodies[1] as JsonBody).messages.at(-1)).toEqual({ role: 'assistant', content: '{' });
  });

  it('counts tokens locally for both, asking no upstream', async () => {
    const count = TRANSCRIPT.requests.find((request) => request.path.startsWith('/v1/messages/count_tokens'))!;
    const before = [anthropic.requests.length, openai.requests.length];
    for (const t of [toAnthropic, toOpenAI]) {
      const answer = await replay(t, count);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ossa-token-count')).toBe('estimate');
      expect(answer.body.input_tokens).toBeGreaterThan(300);
    }
    expect([anthropic.requests.length, openai.requests.length]).toEqual(before);
  });
});
