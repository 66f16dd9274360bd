import { NO_SERVER_TOOLS } from '../../src/tools/resolve-agent-tools.js';
import type { ToolKindHandler } from '../../src/tools/server-tool.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-record.js';
import { readJson, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, type MockUpstream } from '../support/mock-upstreams.js';
import { findCorpusAgent, HAVE_CORPUS, type CorpusAgent } from '../support/ossa-corpus.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { postForEvents } from '../support/sse-client.js';

// The corpus agent's own tools are declared, never run here: this suite is about budgets / PII.
const STUB_TOOLS: ToolKindHandler = { kind: 'function', accepts: () => true, resolve: () => ({ source: NO_SERVER_TOOLS }) };

const ENV = { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-pii-000000000000' };
/** The values a client sends: none may reach the upstream (redact) or an answer, a log or the audit file. */
const SSN = '123-45-6789';
const EMAIL = 'ada.lovelace@example.com';
const CARD = '4111 1111 1111 1111';
const PHONE = '+44 20 7946 0958';
const VALUES = [SSN, EMAIL, CARD, PHONE];

/**
 * A corpus agent declaring `spec.safety.pii_detection {action: redact}` and one declaring
 * nothing (the gateway's `security.pii_detection` default applies: block), served in front of
 * a recording Anthropic upstream: what reaches the upstream, what a blocked client is told on
 * each surface, and a streamed answer redacted on its way out.
 */
describe.skipIf(!HAVE_CORPUS)('PII detection: redact before the upstream, block with 422, streamed answers redacted', () => {
  let anthropic: MockUpstream;
  let g: TestGateway;
  let redacting: CorpusAgent;
  let plain: CorpusAgent;

  beforeAll(async () => {
    redacting = findCorpusAgent('spec.safety.pii_detection with action redact, on anthropic', (a) =>
      a.piiDetection?.action === 'redact' && a.llm.provider === 'anthropic' && ['email', 'ssn', 'credit_card', 'phone'].every((t) => a.piiDetection!.types.includes(t as never)));
    plain = findCorpusAgent('an anthropic agent without pii_detection', (a) => a.piiDetection === undefined && a.llm.provider === 'anthropic' && a.llm.fallbackModels.length === 0);
    anthropic = await startMockAnthropic();
    g = await startTestGateway({
      toolKinds: [STUB_TOOLS],
      ossa: {
        manifest_paths: [...new Set([redacting.file, plain.file])],
        auto_discover: false,
        providers: { anthropic: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, max_retries: 0 } },
        models: { 'claude-pii': { provider: 'anthropic', model: 'claude-sonnet-4-5' } },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: {
          audit: { path: 'audit/audit.jsonl' },
          // For agents whose manifest declares nothing, and pass-through models; apply_to_output also for the redacting agent, which does not say.
          pii_detection: { enabled: true, action: 'block', types: ['email', 'ssn', 'credit_card'], apply_to_output: true },
        },
      },
      env: ENV,
    });
  });

  afterAll(async () => {
    await g?.close();
    await anthropic?.close();
  });

  const upstreamText = () => JSON.stringify(anthropic.bodies);

  it('redact: the input, the context and the history reach the upstream with markers instead of the values', async () => {
    anthropic.reset();
    const res = await g.post(`/v1/agents/${redacting.agent.name}/execute`, { input: `My SSN is ${SSN} and my card ${CARD}.`, context: { contact: { phone: PHONE, email: EMAIL } } });
    expect(res.status).toBe(200);
    const body = anthropic.bodies[0] as { system: string | { text: string }[]; messages: { content: unknown }[] };
    expect(JSON.stringify(body.messages)).toContain('My SSN is [REDACTED:SSN] and my card [REDACTED:CREDIT_CARD].');
    expect(JSON.stringify(body.system)).toContain('[REDACTED:PHONE]');
    expect(JSON.stringify(body.system)).toContain('[REDACTED:EMAIL]');
    for (const value of VALUES) expect(upstreamText()).not.toContain(value);

    anthropic.reset();
    const chat = await g.post('/v1/chat/completions', {
      model: redacting.agent.name,
      messages: [
        { role: 'system', content: `Reply to ${EMAIL}.` },
        { role: 'user', content: `Call me on ${PHONE}.` },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: `And my SSN is ${SSN}.` },
      ],
    });
    expect(chat.status).toBe(200);
    for (const value of VALUES) expect(upstreamText()).not.toContain(value);
    expect(upstreamText()).toContain('Call me on [REDACTED:PHONE].');
    expect(upstreamText()).toContain('Reply to [REDACTED:EMAIL].');
    // The agent's own prompt is the operator's: sent as written.
    expect(JSON.stringify((anthropic.bodies[0] as { system: unknown }).system)).toContain(redacting.agent.systemPrompt.slice(0, 60).replace(/\n/g, '\\n'));
  });

  it('block: 422 naming the types found, never the values, in each surface\'s shape; nothing goes upstream', async () => {
    anthropic.reset();
    const native = await g.post(`/v1/agents/${plain.agent.name}/execute`, { input: `Card ${CARD}, SSN ${SSN}, phone ${PHONE}.` });
    expect(native.status).toBe(422);
    expect(native.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = await readJson(native);
    // The phone is not among the gateway default's types.
    expect(problem).toMatchObject({ status: 422, pii_types: ['credit_card', 'ssn'], agent: plain.agent.name });
    expect(problem.type).toMatch(/pii-detected$/);
    expect(problem.detail).toMatch(/credit_card, ssn/);

    const openai = await g.post('/v1/chat/completions', { model: 'claude-pii', messages: [{ role: 'user', content: `mail ${EMAIL}` }] });
    expect(openai.status).toBe(422);
    const openaiBody = await readJson(openai);
    expect(openaiBody.error).toMatchObject({ type: 'invalid_request_error', code: 'pii_detected' });
    expect(openaiBody.error.message).toMatch(/of type email/);

    const responses = await g.post('/v1/responses', { model: 'claude-pii', input: `ssn ${SSN}` });
    expect(responses.status).toBe(422);
    expect((await readJson(responses)).error).toMatchObject({ code: 'pii_detected' });

    const messages = await g.post('/v1/messages', { model: 'claude-pii', max_tokens: 100, messages: [{ role: 'user', content: `card ${CARD}` }] }, { 'anthropic-version': '2023-06-01' });
    expect(messages.status).toBe(422);
    const anthropicBody = await readJson(messages);
    expect(anthropicBody).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(anthropicBody.error.message).toMatch(/of type credit_card/);

    const streamed = await postForEvents(`${g.url}/v1/agents/${plain.agent.name}/execute`, { input: `ssn ${SSN}`, stream: true });
    expect(streamed.response.status).toBe(422);

    expect(anthropic.requests).toHaveLength(0);
    for (const body of [problem, openaiBody, anthropicBody]) for (const value of VALUES) expect(JSON.stringify(body)).not.toContain(value);
  });

  it('a request without personal data passes the blocking policy untouched', async () => {
    anthropic.reset();
    const res = await g.post(`/v1/agents/${plain.agent.name}/execute`, { input: 'Where is order 2024-01-15-77?' });
    expect(res.status).toBe(200);
    expect(upstreamText()).toContain('Where is order 2024-01-15-77?');
  });

  it('a streamed answer is redacted on its way out, values split across deltas included, and done carries the same output', async () => {
    anthropic.reset();
    // The mock streams one word per delta: the card and the phone number arrive in four pieces each.
    anthropic.script({ kind: 'reply', text: `Reach Ada at ${EMAIL} or ${PHONE}; her card is ${CARD}, SSN ${SSN}. Done.`, chunkDelayMs: 2 });
    const reader = await postForEvents(`${g.url}/v1/agents/${redacting.agent.name}/execute`, { input: 'How do I reach Ada?', stream: true });
    expect(reader.response.status).toBe(200);
    const events = await reader.rest();
    const text = events.filter((e) => e.event === 'delta').map((e) => e.json.text as string).join('');
    expect(text).toBe('Reach Ada at [REDACTED:EMAIL] or [REDACTED:PHONE]; her card is [REDACTED:CREDIT_CARD], SSN [REDACTED:SSN]. Done.');
    expect(events.filter((e) => e.event === 'delta').length).toBeGreaterThan(5);
    for (const value of VALUES) expect(events.map((e) => e.data).join('\n')).not.toContain(value);

    anthropic.script({ kind: 'reply', text: `Mail ${EMAIL}.` });
    const whole = await readJson(await g.post(`/v1/agents/${redacting.agent.name}/execute`, { input: 'Her mail?' }));
    expect(whole.output).toBe('Mail [REDACTED:EMAIL].');
  });

  it('counts what it found in metrics and audit records by type, never a value', async () => {
    const metrics = parsePrometheus(await (await g.get('/metrics')).text());
    expect(sampleValue(metrics, 'ossa_pii_detections_total', { agent: redacting.agent.name, type: 'ssn', surface: 'input', action: 'redact' })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(metrics, 'ossa_pii_detections_total', { agent: plain.agent.name, type: 'credit_card', surface: 'input', action: 'block' })).toBe(1);
    expect(sampleValue(metrics, 'ossa_pii_detections_total', { agent: redacting.agent.name, type: 'phone', surface: 'output', action: 'redact' })).toBe(1);

    await g.gateway.audit!.flush();
    const text = readFileSync(join(g.dir, 'audit', 'audit.jsonl'), 'utf8');
    const records = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditRecord);
    const pii = records.filter((r) => r.event === 'pii_detected');
    expect(pii).toContainEqual(expect.objectContaining({ agent: plain.agent.name, surface: 'input', action: 'block', pii_types: { credit_card: 1, ssn: 1 }, pii_count: 2, attempt: 0 }));
    expect(pii).toContainEqual(expect.objectContaining({ agent: redacting.agent.name, surface: 'output', action: 'redact', streamed: true, pii_types: { email: 1, phone: 1, credit_card: 1, ssn: 1 } }));
    for (const value of VALUES) expect(text).not.toContain(value);
    for (const value of VALUES) expect(g.logs.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain(value);
  });
});
