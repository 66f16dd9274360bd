import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_SECRETS, saveChaosArtifact } from '../support/chaos-artifacts.js';
import type { ServeProcess } from '../support/cli-process.js';
import { hostileProject, residentBytes, saveServeArtifacts, startHostileServe, type HostileProject } from '../support/hostile-gateway.js';
import { floodBytesSent } from '../support/mock-flood.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';

// Hostile upstreams against a real `ossa-gateway serve` with the fake keys of the suite: they echo
// every key they could know of (exactly, upper-cased, case-folded to snake case, a folded piece in
// their error codes) in answers, model names and errors, JSON and streamed, on both surfaces;
// then they answer 200 MB. Everything the gateway wrote is kept for the secret sweep (zz-).

const { clientKey, otherClientKey } = CHAOS_SECRETS;
const MB = 1024 * 1024;
const fold = (text: string): string => text.toLowerCase().replace(/-/g, '_');
/** Every key in four disguises, as a hostile upstream would write them into its answer. */
const ECHO = Object.values(CHAOS_SECRETS).map((key, i) => `${['', 'key ', 'Bearer ', 'x-api-key: '][i % 4]}${[key, key.toUpperCase(), fold(key), key.replace(/-/g, '_')][i % 4]}`).join(' | ');

describe('hostile upstreams against `ossa-gateway serve`', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let project: HostileProject;
  let server: ServeProcess;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    project = hostileProject({ anthropic: anthropic.url, openai: openai.url });
    server = await startHostileServe(project);
  });
  afterAll(async () => {
    saveChaosArtifact('hostile-upstream-figures.json', JSON.stringify(figures, null, 2));
    await saveServeArtifacts('hostile-upstream', server, project);
    await Promise.all([anthropic.close(), openai.close()]);
  });

  /** Sends one request and keeps what came back for the sweep; returns status and body. */
  async function send(path: string, body: unknown, key: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    // The sweep reads whole answers; a 32 MB stream of "x" is kept by its head and tail only.
    const kept = text.length > 64 * 1024 ? `${text.slice(0, 32 * 1024)} [... ${text.length} characters ...] ${text.slice(-32 * 1024)}` : text;
    saveChaosArtifact('hostile-upstream.bodies.txt', `${path} ${res.status} ${JSON.stringify([...res.headers])} ${kept}`);
    return { status: res.status, text };
  }

  /** The fake keys found in `text`, whole or in part, in any case, `-` and `_` alike. */
  const leaks = (text: string): string[] => {
    const folded = fold(text);
    return [...Object.entries(CHAOS_SECRETS).filter(([, key]) => folded.includes(fold(key))).map(([kind]) => kind), ...(/chaos[a-z_]*secret/.test(folded) ? ['a fragment'] : [])];
  };

  it('lets no echoed key through: answers, model names and errors, JSON and streamed, native and OpenAI routes', async () => {
    // A new question each round, so every answer comes from the upstream, not the cache.
    const requests = (q: string): [string, unknown, string][] => [
      ['/v1/agents/support/execute', { input: q }, clientKey],
      ['/v1/agents/support/execute', { input: q, stream: true }, clientKey],
      ['/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: q }] }, clientKey],
      ['/v1/chat/completions', { model: 'support', messages: [{ role: 'user', content: q }], stream: true, stream_options: { include_usage: true } }, clientKey],
      ['/v1/agents/billing/execute', { input: q }, otherClientKey],
      ['/v1/agents/billing/execute', { input: q, stream: true }, otherClientKey],
      ['/v1/chat/completions', { model: 'billing', messages: [{ role: 'user', content: q }], stream: true }, otherClientKey],
    ];
    const statuses = new Map<number, number>();
    let redacted = 0;
    for (let round = 0; round < 30; round++) {
      // Names without spaces (a name with one is replaced at the wire by the model asked for).
      const model = [`Bearer:${CHAOS_SECRETS.anthropicKey}`, fold(CHAOS_SECRETS.openaiKey), CHAOS_SECRETS.clientKey.toUpperCase()][round % 3]!;
      anthropic.mode = { kind: 'reply', text: `${ECHO} (round ${round})`, model };
      openai.mode = { kind: 'reply', text: `${ECHO} (round ${round})`, model };
      // Every third round the upstreams fail instead, quoting the keys in message and code.
      if (round % 3 === 2) {
        const code = fold(CHAOS_SECRETS.anthropicKey).slice(0, 48);
        anthropic.fail({ status: 400, type: code, message: ECHO, times: 4 });
        openai.fail({ status: 400, code: fold(CHAOS_SECRETS.openaiKey).slice(0, 48), message: ECHO, times: 3 });
      }
      for (const [path, body, key] of requests(`question ${round}`)) {
        const { status, text } = await send(path, body, key);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (text.includes('[redacted]')) redacted++;
        expect(leaks(text), `${path} ${JSON.stringify(body)} round ${round}: ${text.slice(0, 300)}`).toEqual([]);
      }
    }
    figures['echo'] = { requests: 30 * requests('').length, statuses: Object.fromEntries(statuses), answers_with_redactions: redacted };
    expect(redacted).toBeGreaterThan(100);
    expect(statuses.get(200)).toBeGreaterThan(100);
    // The upstreams really had the keys to echo.
    expect(anthropic.requests.some((r) => r.headers['x-api-key'] === CHAOS_SECRETS.anthropicKey)).toBe(true);
  });

  it('holds no more than max_response_bytes of six 200 MB answers at once, JSON (declared and not) and streamed', async () => {
    const sample = { peak: 0 };
    const before = residentBytes(server.child.pid) ?? 0;
    const sampler = setInterval(() => (sample.peak = Math.max(sample.peak, residentBytes(server.child.pid) ?? 0)), 25);
    const runs: Record<string, unknown> = {};
    try {
      for (const [name, behaviour, stream] of [
        ['json, no Content-Length', { kind: 'flood', bytes: 200 * MB }, false],
        ['json, Content-Length: 200 MB', { kind: 'flood', bytes: 200 * MB, declared: true }, false],
        ['stream', { kind: 'flood', bytes: 200 * MB }, true],
      ] as const) {
        // billing: gpt on the mock OpenAI, no fallback, so each answer shows what became of the attempt.
        openai.mode = behaviour;
        const from = openai.requests.length;
        const started = Date.now();
        // Each question new, so none is answered from the cache.
        const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => send('/v1/agents/billing/execute', { input: `flood ${name} ${i}`, ...(stream ? { stream: true } : {}) }, otherClientKey)));
        const ms = Date.now() - started;
        const sent = openai.requests.slice(from).map((r) => floodBytesSent(r));
        runs[name] = { ms, statuses: answers.map((a) => a.status), upstream_bytes_sent_mb: sent.map((b) => Math.round(b / MB)) };
        for (const answer of answers) expect(answer.text, name).toMatch(/larger than 32 MiB \(providers\.gpt\.max_response_bytes\)/);
        // One attempt each: not retried.
        expect(sent, name).toHaveLength(6);
        // The upstream could not push much past the bound before the gateway hung up.
        for (const bytes of sent) expect(bytes, name).toBeLessThan(48 * MB);
      }
    } finally {
      clearInterval(sampler);
      openai.mode = { kind: 'reply' };
    }
    const after = residentBytes(server.child.pid) ?? 0;
    figures['flood'] = { rss_before_mb: Math.round(before / MB), rss_peak_mb: Math.round(sample.peak / MB), rss_after_mb: Math.round(after / MB), runs };
    console.log(`hostile-upstream: 3 x 6 answers of 200 MB: RSS ${Math.round(before / MB)} MiB before, peak ${Math.round(sample.peak / MB)} MiB, ${Math.round(after / MB)} MiB after; ${JSON.stringify(runs)}`);
    // Six answers of at most 32 MiB in memory at once, and the process's own working set.
    expect(sample.peak).toBeLessThan(before + 6 * 32 * MB + 200 * MB);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
