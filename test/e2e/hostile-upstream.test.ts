import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { postForEvents } from '../support/sse-client.js';

// A hostile upstream against a real `serve` process: it echoes the keys it was sent (exactly and
// case-folded) in its answer, its model name and its error messages, answers far more than
// asked, and streams slowly past the agent's deadline. Nothing of a key may come out anywhere.

// Short enough (<= 48 characters) for an upstream error code, which is how keys got into a 502.
const KEYS = {
  anthropic: 'sk-ant-api03-hostileANTHROPIC-7f3a9c1e',
  openai: 'sk-proj-hostileOPENAI-4b8d2f6a0c9e',
  client: 'ossa-client-hostileCLIENT-9e7c5a3f',
  admin: 'ossa-admin-hostileADMIN-2c4e6a8f',
  metrics: 'ossa-metrics-hostileMETRICS-6d8f0a2c',
} as const;
/** How an upstream folds a key: lower case, `-` as `_` (what slipped through before). */
const fold = (text: string): string => text.toLowerCase().replace(/-/g, '_');
const client = { authorization: `Bearer ${KEYS.client}` };

/** The keys found in `text`, in any case and with `-` / `_` exchanged. */
function leaks(text: string): string[] {
  const folded = fold(text);
  return Object.entries(KEYS).filter(([, key]) => folded.includes(fold(key))).map(([name]) => name);
}

describe('a hostile upstream, against `ossa-gateway serve`', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let dir: string;
  let server: ServeProcess;
  /** Everything a client, an operator or a scraper was shown. */
  const shown: string[] = [];

  const post = async (path: string, body: unknown): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...client }, body: JSON.stringify(body) });
    const text = await res.text();
    shown.push(text);
    return { status: res.status, text };
  };

  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    dir = tempDir({
      'ossa.yaml': `ossa:
  env: dev
  manifest_paths: [agents]
  server: { port: 0 }
  providers:
    claude:
      type: anthropic
      api_key: \${ANTHROPIC_API_KEY}
      base_url: ${anthropic.url}
      model: claude-sonnet-4-5
      max_retries: 0
      circuit_breaker: { failure_threshold: 1000 }
    gpt:
      type: openai
      api_key: \${OPENAI_API_KEY}
      base_url: ${openai.url}
      model: gpt-4o-mini
      max_retries: 2
      max_response_bytes: 64kb
      circuit_breaker: { failure_threshold: 1000, initial_backoff_ms: 0 }
  rate_limit: { enabled: false }
  cache: { enabled: false }
  security:
    clients: [{ id: web, key: "\${CLIENT_KEY}" }]
    admin_keys: ["file:admin_key"]
    audit: { sink: file, path: audit/audit.jsonl, include_content: true }
  observability: { metrics_token: "\${METRICS_TOKEN}" }
`,
      'agents/support.ossa.yaml': agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }),
      'agents/billing.ossa.yaml': agentManifest('billing', { provider: 'gpt', model: 'gpt-4o-mini' }),
      'agents/slow.ossa.yaml': agentManifest('slow', { provider: 'claude', model: 'claude-sonnet-4-5' }, '  constraints:\n    performance:\n      timeoutSeconds: 1\n'),
    });
    writeFileSync(join(dir, 'admin_key'), `${KEYS.admin}\n`, { mode: 0o600 });
    server = await startServe(dir, { ANTHROPIC_API_KEY: KEYS.anthropic, OPENAI_API_KEY: KEYS.openai, CLIENT_KEY: KEYS.client, METRICS_TOKEN: KEYS.metrics });
  });
  afterAll(async () => {
    await server.stop();
    await Promise.all([anthropic.close(), openai.close()]);
  });

  /** The answer of an upstream that quotes every key it knows of, each in another disguise. */
  const echo = `Your key is Bearer ${KEYS.anthropic}; also ${fold(KEYS.anthropic)}, ${KEYS.client.toUpperCase()}, ${KEYS.admin.replace(/-/g, '_')} and ${KEYS.metrics}.`;

  it('redacts every key an upstream echoes in its answer and its model name, JSON and streamed, on both surfaces', async () => {
    // No space in the model name: a name with one is refused at the wire and replaced by the one asked for.
    anthropic.mode = { kind: 'reply', text: echo, model: `claude|${fold(KEYS.anthropic)}` };
    const json = await post('/v1/agents/support/execute', { input: 'hi' });
    expect(json.status).toBe(200);
    const answer = JSON.parse(json.text) as { output: string; model: string };
    expect(answer.output).toBe('Your key is Bearer [redacted]; also [redacted], [redacted], [redacted] and [redacted].');
    expect(answer.model).toBe('claude|[redacted]');

    const stream = await postForEvents(`${server.url}/v1/agents/support/execute`, { input: 'hi', stream: true }, client);
    const events = await stream.rest();
    shown.push(JSON.stringify(events));
    expect(events.map((e) => e.event)).toEqual(['start', ...events.slice(1, -1).map(() => 'delta'), 'done']);
    expect(events.filter((e) => e.event === 'delta').map((e) => e.json.text as string).join('')).toBe(answer.output);
    expect(events.at(-1)!.json.model).toBe('claude|[redacted]');

    for (const streamed of [false, true]) {
      const completion = await post('/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: 'hi' }], stream: streamed });
      expect(completion.status).toBe(200);
      expect(completion.text).toContain('[redacted]');
      expect(leaks(completion.text), `chat completions, stream ${streamed}`).toEqual([]);
    }
    expect(leaks(shown.join('\n'))).toEqual([]);
    // The upstream did get the key, so the echo was real.
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe(KEYS.anthropic);
  });

  it('keeps a case-folded key an upstream puts in its error out of the 502 a client gets', async () => {
    // The key it was sent, folded: refused as an error code outright (it echoes what was sent).
    anthropic.fail({ status: 400, type: fold(KEYS.anthropic), message: `bad key ${KEYS.anthropic}` });
    const failed = await post('/v1/agents/support/execute', { input: 'hi' });
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.text)).toMatchObject({ type: 'urn:ossa-gateway:problem:provider-error', detail: 'claude answered 400 Bad Request' });
    // A key of ours it was not sent (the client's), folded: passes as a code, then is redacted.
    anthropic.fail({ status: 400, type: fold(KEYS.client) });
    const json = await post('/v1/agents/support/execute', { input: 'hi' });
    expect(JSON.parse(json.text)).toMatchObject({ status: 502, detail: 'claude answered 400 Bad Request ([redacted])' });
    anthropic.fail({ status: 400, type: fold(KEYS.client) });
    const streamed = await post('/v1/agents/support/execute', { input: 'hi', stream: true });
    expect(JSON.parse(streamed.text)).toMatchObject({ status: 502, detail: 'claude answered 400 Bad Request ([redacted])' });
  });

  it('fails an answer larger than max_response_bytes, once, not retried, JSON and streamed', async () => {
    openai.mode = { kind: 'reply', text: 'x'.repeat(1_000_000) };
    const before = openai.requests.length;
    const json = await post('/v1/agents/billing/execute', { input: 'hi' });
    expect(json.status).toBe(502);
    expect(JSON.parse(json.text)).toMatchObject({ detail: 'gpt: the answer is larger than 64 KiB (providers.gpt.max_response_bytes); it was dropped' });
    expect(openai.requests.length - before).toBe(1);

    // Many small deltas: the stream starts, then ends with the error event at 64 KiB.
    openai.mode = { kind: 'reply', text: 'lorem '.repeat(20_000) };
    const stream = await postForEvents(`${server.url}/v1/agents/billing/execute`, { input: 'hi', stream: true }, client);
    const events = await stream.rest();
    expect(events[0]!.event).toBe('start');
    expect(events.at(-1)).toMatchObject({ event: 'error', json: { status: 502, detail: expect.stringMatching(/larger than 64 KiB \(providers\.gpt\.max_response_bytes\)/) } });
    expect(events.some((e) => e.event === 'done')).toBe(false);
    // Fewer deltas than 64 KiB of frames can hold: nothing past the bound was passed on.
    expect(events.filter((e) => e.event === 'delta').length).toBeLessThan(64 * 1024 / 150);
  });

  it("ends a stream at the agent's deadline with the surface's error event, however steadily the upstream sends", async () => {
    anthropic.mode = { kind: 'reply', text: 'one two three four five six seven eight nine ten', chunkDelayMs: 250 };
    const started = Date.now();
    const native = await (await postForEvents(`${server.url}/v1/agents/slow/execute`, { input: 'hi', stream: true }, client)).rest();
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(native[0]!.event).toBe('start');
    expect(native.at(-1)).toMatchObject({ event: 'error', json: { status: 503, detail: "claude: the agent's deadline of 1 s (timeoutSeconds) passed before the stream ended" } });
    expect(native.some((e) => e.event === 'done')).toBe(false);

    const openaiStarted = Date.now();
    const chunks = await (await postForEvents(`${server.url}/v1/chat/completions`, { model: 'slow', messages: [{ role: 'user', content: 'hi' }], stream: true }, client)).rest();
    expect(Date.now() - openaiStarted).toBeLessThan(2_500);
    expect(chunks.at(-1)!.json).toMatchObject({ error: { message: expect.stringMatching(/deadline of 1 s/) } });
    expect(chunks.some((e) => e.data === '[DONE]')).toBe(false);
    // The upstream was told: its streams were cut, not read to the end.
    await anthropic.until(() => anthropic.requests.slice(-2).every((r) => r.aborted));
  });

  it('shows no key on /status.json or /metrics, where model labels are the configured models or (other)', async () => {
    const status = await fetch(`${server.url}/status.json`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
    expect(status.status).toBe(200);
    shown.push(await status.text());
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${KEYS.metrics}` } });
    const text = await metrics.text();
    shown.push(text);
    const models = new Set([...text.matchAll(/^ossa_llm_tokens_total\{[^}]*model="([^"]*)"/gm)].map((m) => m[1]));
    expect([...models].sort()).toEqual(['(other)', 'claude-sonnet-4-5'].filter((m) => models.has(m)));
    expect(models.has('(other)')).toBe(true);
    expect(leaks(shown.join('\n'))).toEqual([]);
  });

  it('wrote no key to the log or the audit file', async () => {
    await server.stop();
    const audit = readdirSync(join(dir, 'audit')).map((name) => readFileSync(join(dir, 'audit', name), 'utf8')).join('\n');
    expect(audit).toContain('[redacted]');
    expect(leaks(audit)).toEqual([]);
    expect(leaks(server.output())).toEqual([]);
    expect(server.output().split('\n').length).toBeGreaterThan(10);
  });
});
