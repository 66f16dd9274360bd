import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import type { StreamPart } from '../../src/providers/provider.js';
import { agentManifest, readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { useMockUpstreams } from '../support/mock-upstreams.js';

const ENV = { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-audit-0000000000', OPENAI_API_KEY: 'sk-TESTKEY-audit-1111111111' };
const INPUT = 'My parcel number is PARCEL-7731';

describe('the audit log end to end', () => {
  const { anthropic, openai } = useMockUpstreams();
  let t: TestGateway | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(audit: Record<string, unknown> = {}) {
    t = await startTestGateway({
      ossa: {
        providers: {
          claude: {
            type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 0.3, max_retries: 1,
            circuit_breaker: { initial_backoff_ms: 0, max_retry_after_ms: 1_000, fallback_providers: ['gpt'] },
          },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o-mini', max_retries: 0 },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { audit: { path: 'audit/audit.jsonl', ...audit } },
      },
      agents: { support: agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }, '  tools:\n    - name: lookup\n    - name: refund\n') },
      tools: { lookup: () => 'found', refund: () => 'refunded' },
      env: ENV,
    });
    return t;
  }

  function auditRecords(g: TestGateway): AuditRecord[] {
    const text = readFileSync(join(g.dir, 'audit', 'audit.jsonl'), 'utf8');
    return text.trim().split('\n').map((line) => JSON.parse(line) as AuditRecord);
  }

  async function stream(g: TestGateway, requestId: string, stopAfter?: number): Promise<{ parts: StreamPart[]; error?: unknown }> {
    const prepared = g.gateway.executor.prepare('support', INPUT, {}, { requestId });
    const parts: StreamPart[] = [];
    try {
      for await (const part of prepared.route.provider.stream(prepared.call, new AbortController().signal)) {
        parts.push(part);
        if (stopAfter !== undefined && parts.length >= stopAfter) break;
      }
      return { parts };
    } catch (error) {
      return { parts, error };
    }
  }

  it('holds a request record and a matching response or error record for every upstream attempt', async () => {
    const g = await start();
    const ids: string[] = [];
    const send = async (id: string) => {
      ids.push(id);
      const res = await g.post('/v1/agents/support/execute', { input: INPUT }, { 'x-request-id': id });
      expect(res.headers.get('x-request-id')).toBe(id);
      return res;
    };
    expect((await send('ok-1')).status).toBe(200); //                          1 attempt
    anthropic.fail({ status: 500 });
    expect(await readJson(await send('retry-1'))).toMatchObject({ attempts: 2 }); // 500, then ok
    anthropic.fail({ status: 429, retryAfter: '30' });
    expect(await readJson(await send('failover-1'))).toMatchObject({ provider: 'gpt', attempts: 2 });
    anthropic.script({ kind: 'hang' }, { kind: 'reset' });
    openai.fail({ status: 500 });
    expect((await send('all-down-1')).status).toBe(503); //                    timeout, reset, gpt 500
    anthropic.script({ kind: 'error', status: 529 });
    expect((await stream(g, 'stream-1')).parts.at(-1)).toMatchObject({ type: 'finish', attempts: 2 });
    anthropic.script({ kind: 'truncate', afterDeltas: 2 });
    const broken = await stream(g, 'stream-broken-1');
    expect(broken.error).toMatchObject({ name: 'ProviderError', provider: 'claude' });
    expect(broken.parts.filter((p) => p.type === 'text')).toHaveLength(2);
    anthropic.script({ kind: 'reply', chunkDelayMs: 20 });
    await stream(g, 'stream-stopped-1', 1);
    await anthropic.until(() => anthropic.requests.at(-1)!.aborted);

    await g.gateway.audit!.flush();
    const records = auditRecords(g);
    const upstreamCalls = anthropic.requests.length + openai.requests.length;
    const requests = records.filter((r) => r.event === 'llm_request');
    expect(requests).toHaveLength(upstreamCalls);
    for (const request of requests) {
      const outcomes = records.filter((r) => r.request_id === request.request_id && r.attempt === request.attempt && r.event !== 'llm_request');
      expect(outcomes, `${request.request_id}#${request.attempt}`).toHaveLength(1);
    }
    const byRequest = (id: string) => records.filter((r) => r.request_id === id).map((r) => `${r.event}#${r.attempt}@${r.provider}`);
    expect(byRequest('retry-1')).toEqual(['llm_request#1@claude', 'llm_error#1@claude', 'llm_request#2@claude', 'llm_response#2@claude']);
    expect(byRequest('failover-1')).toEqual(['llm_request#1@claude', 'llm_error#1@claude', 'llm_request#2@gpt', 'llm_response#2@gpt']);
    expect(byRequest('all-down-1')).toEqual([
      'llm_request#1@claude', 'llm_error#1@claude', 'llm_request#2@claude', 'llm_error#2@claude', 'llm_request#3@gpt', 'llm_error#3@gpt',
    ]);
    expect(records.filter((r) => r.request_id === 'all-down-1' && r.event === 'llm_error').map((r) => (r as { error_class: string }).error_class)).toEqual([
      'ProviderError:timeout', 'ProviderError:network', 'ProviderError:http',
    ]);
    expect(records.find((r) => r.request_id === 'stream-broken-1' && r.event === 'llm_error')).toMatchObject({ streamed: true, tokens_seen: 2, aborted: false });
    expect(records.find((r) => r.request_id === 'stream-stopped-1' && r.event === 'llm_error')).toMatchObject({ streamed: true, aborted: true, tokens_seen: 1 });
    expect(new Set(records.map((r) => r.request_id))).toEqual(new Set(ids.concat(['stream-1', 'stream-broken-1', 'stream-stopped-1'])));
  });

  it('records the fields of ARCHITECTURE.md plus agent, version, user and attempt, and no prompt or answer text', async () => {
    const g = await start();
    await g.post('/v1/agents/support/execute', { input: INPUT }, { 'x-request-id': 'fields-1' });
    await g.gateway.audit!.flush();
    const [request, response] = auditRecords(g);
    expect(request).toEqual({
      timestamp: expect.any(Number),
      request_id: 'fields-1',
      attempt: 1,
      provider: 'claude',
      model: 'claude-sonnet-4-5',
      agent: 'support',
      agent_version: '1.0.0',
      // No clients configured: the caller is known by its IP (see Authentication in the README).
      user_id: '127.0.0.1',
      streamed: false,
      event: 'llm_request',
      prompt_length: expect.any(Number),
      temperature: 0.7,
      // The manifest sets none: Anthropic's default, as the OSSA reference runtime's.
      max_tokens: 4096,
      tools_count: 2,
    });
    expect(response).toEqual({
      timestamp: expect.any(Number),
      request_id: 'fields-1',
      attempt: 1,
      provider: 'claude',
      model: 'claude-sonnet-4-5',
      agent: 'support',
      agent_version: '1.0.0',
      user_id: '127.0.0.1',
      streamed: false,
      event: 'llm_response',
      duration_ms: expect.any(Number),
      response_length: `echo: ${INPUT}`.length,
      tokens_used: { input: expect.any(Number), output: expect.any(Number) },
      finish_reason: 'stop',
      tool_calls: 0,
    });
    expect(Number.isInteger(request!.timestamp)).toBe(true);
    expect(readFileSync(join(g.dir, 'audit', 'audit.jsonl'), 'utf8')).not.toContain('PARCEL-7731');
  });

  it('records the authenticated client (and its end user, when trusted) as user_id', async () => {
    t = await startTestGateway({
      ossa: {
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { audit: { path: 'audit/audit.jsonl' }, clients: [{ id: 'web', key: '${WEB_KEY}' }], trust_user_header: true },
      },
      agents: { a: agentManifest('a') },
      env: { WEB_KEY: 'web-client-key-audit-1' },
    });
    const headers = { authorization: 'Bearer web-client-key-audit-1' };
    expect((await t.post('/v1/agents/a/execute', { input: 'x' }, { ...headers, 'x-request-id': 'who-1' })).status).toBe(200);
    expect((await t.post('/v1/agents/a/execute', { input: 'y' }, { ...headers, 'x-request-id': 'who-2', 'x-user-id': 'alice' })).status).toBe(200);
    await t.gateway.audit!.flush();
    const users = auditRecords(t).map((r) => [r.request_id, r.event, r.user_id]);
    expect(users).toEqual([
      ['who-1', 'llm_request', 'web'], ['who-1', 'llm_response', 'web'],
      ['who-2', 'llm_request', 'web:alice'], ['who-2', 'llm_response', 'web:alice'],
    ]);
    expect(readFileSync(join(t.dir, 'audit', 'audit.jsonl'), 'utf8')).not.toContain('web-client-key-audit-1');
  });

  it('records prompt and answer text with include_content: true', async () => {
    const g = await start({ include_content: true });
    await g.post('/v1/agents/support/execute', { input: INPUT });
    await g.gateway.audit!.flush();
    const [request, response] = auditRecords(g);
    expect(request).toMatchObject({ system: 'You are the support test agent.', messages: [{ role: 'user', content: INPUT }] });
    expect(response).toMatchObject({ response: `echo: ${INPUT}` });
  });

  it('rotates the file by size', async () => {
    const g = await start({ max_file_bytes: '2kb', max_files: 2 });
    for (let i = 0; i < 8; i++) {
      await g.post('/v1/agents/support/execute', { input: INPUT });
      await g.gateway.audit!.flush();
    }
    expect(existsSync(join(g.dir, 'audit', 'audit.jsonl.1'))).toBe(true);
    expect(readFileSync(join(g.dir, 'audit', 'audit.jsonl')).length).toBeLessThanOrEqual(2048);
  });

  it('writes nothing with security.audit_logging: false, and still dispatches provider.attempt', async () => {
    t = await startTestGateway({
      ossa: { security: { audit_logging: false, audit: { path: 'audit/audit.jsonl' } }, rate_limit: { enabled: false }, cache: { enabled: false } },
      agents: { a: agentManifest('a') },
    });
    let attempts = 0;
    t.gateway.events.on('provider.attempt', () => void attempts++);
    expect((await t.post('/v1/agents/a/execute', { input: 'hi' })).status).toBe(200);
    expect(t.gateway.audit).toBeUndefined();
    expect(attempts).toBe(1);
    expect(existsSync(join(t.dir, 'audit'))).toBe(false);
  });
});
