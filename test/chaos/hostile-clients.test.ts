import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_SECRETS, saveChaosArtifact } from '../support/chaos-artifacts.js';
import type { ServeProcess } from '../support/cli-process.js';
import { hostileProject, residentBytes, saveServeArtifacts, startHostileServe, type HostileProject } from '../support/hostile-gateway.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { connectSlow, trickle, type SlowConnection } from '../support/raw-http.js';

// Hostile clients against a real `ossa-gateway serve` with the gateway's default limits
// (server.headers_timeout 10 s, body_timeout 10 s, request_timeout 30 s, keep_alive_timeout 5 s;
// security.auth_throttle 10 failures per address and 100 per kind of key, per minute):
// slow-loris connections of every kind for a minute, then an admin password guessed as fast as
// one address can. test/e2e/hostile-client.test.ts runs the same attacks fast, with short limits.

const SLOW_SECONDS = Number(process.env['OSSA_SLOW_CLIENT_SECONDS'] ?? 60);
const PER_KIND = Number(process.env['OSSA_SLOW_CLIENTS_PER_KIND'] ?? 200);
const GUESSES = 2_000;
const MB = 1024 * 1024;
const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

describe('hostile clients against `ossa-gateway serve`, default limits', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let project: HostileProject;
  let server: ServeProcess;
  let port: number;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    project = hostileProject({ anthropic: anthropic.url, openai: openai.url }, { authThrottle: 'default', trustProxy: true });
    server = await startHostileServe(project);
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    saveChaosArtifact('hostile-clients-figures.json', JSON.stringify(figures, null, 2));
    await saveServeArtifacts('hostile-clients', server, project);
    await Promise.all([anthropic.close(), openai.close()]);
  });

  it(`leaves no slow client's socket open after ${SLOW_SECONDS} s, and serves meanwhile`, async () => {
    const head = (authorization: string) => `POST /v1/agents/faq/execute HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n${authorization}\r\n`;
    const kinds: Record<string, (connection: SlowConnection) => void> = {
      // Connects and sends nothing.
      idle: () => undefined,
      // A header line every 5 s, never the blank line.
      'slow headers': (c) => void trickle(c, ['POST /v1/agents/faq/execute HTTP/1.1\r\n', ...Array.from({ length: 100 }, (_, i) => `x-slow-${i}: 1\r\n`)], 5_000),
      // The body a byte every 5 s, with a client key: only request_timeout ends it.
      'slow body, client key': (c) => {
        c.write(head(`authorization: Bearer ${CHAOS_SECRETS.clientKey}\r\n`));
        void trickle(c, Array.from({ length: 1000 }, () => ' '), 5_000);
      },
      // The same without a key: 401 before the body, and the socket closed.
      'slow body, no key': (c) => {
        c.write(head(''));
        void trickle(c, Array.from({ length: 1000 }, () => ' '), 5_000);
      },
      // One request, then idle on the kept-alive connection.
      'idle keep-alive': (c) => c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
    };
    const rssBefore = residentBytes(server.child.pid) ?? 0;
    const started = Date.now();
    const connections = new Map<string, SlowConnection[]>();
    for (const [kind, act] of Object.entries(kinds)) {
      const opened = await Promise.all(Array.from({ length: PER_KIND }, () => connectSlow(port)));
      for (const connection of opened) act(connection);
      connections.set(kind, opened);
    }
    // The gateway still answers its real clients while the sockets pile up.
    const during: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      const res = await fetch(`${server.url}/v1/agents/faq/execute`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CHAOS_SECRETS.clientKey}` }, body: '{"input":"still there?"}' });
      expect(res.status).toBe(200);
      await res.text();
      during.push(Date.now() - t);
    }
    const rssLoaded = residentBytes(server.child.pid) ?? 0;
    const deadline = started + SLOW_SECONDS * 1000;
    await Promise.race([Promise.all([...connections.values()].flat().map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
    const byKind: Record<string, unknown> = {};
    let open = 0;
    for (const [kind, list] of connections) {
      const closed = await Promise.all(list.filter((c) => c.isClosed()).map((c) => c.closed));
      const stillOpen = list.length - closed.length;
      open += stillOpen;
      const times = closed.map((c) => c.afterMs).sort((a, b) => a - b);
      const statuses = closed.reduce<Record<number, number>>((all, c) => ({ ...all, [c.answer.status]: (all[c.answer.status] ?? 0) + 1 }), {});
      byKind[kind] = { sockets: list.length, still_open: stillOpen, closed_after_ms: { min: times[0], median: times[Math.floor(times.length / 2)], max: times.at(-1) }, statuses };
    }
    for (const connection of [...connections.values()].flat()) connection.socket.destroy();
    figures['slow_clients'] = { seconds: SLOW_SECONDS, per_kind: PER_KIND, still_open: open, rss_before_mb: Math.round(rssBefore / MB), rss_loaded_mb: Math.round(rssLoaded / MB), served_meanwhile_ms: during, kinds: byKind };
    console.log(`hostile-clients: ${PER_KIND * Object.keys(kinds).length} slow sockets, ${open} open after ${SLOW_SECONDS} s: ${JSON.stringify(byKind)}`);
    expect(open).toBe(0);
  });

  it(`admits a few of ${GUESSES} admin passwords guessed from one address, and does not slow a valid client meanwhile`, async () => {
    const attacker = '10.66.0.1';
    const statuses = new Map<number, number>();
    const admitted: number[] = [];
    let next = 0;
    const started = Date.now();
    const guess = async (): Promise<void> => {
      while (next < GUESSES) {
        const i = next++;
        const res = await fetch(`${server.url}/status.json`, { headers: { 'x-forwarded-for': attacker, authorization: basic(`guess-${i}-${CHAOS_SECRETS.adminKey.length}`) } });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 401) admitted.push(Date.now() - started);
      }
    };
    // A valid client on another address, timed while the guessing runs.
    const validMs: number[] = [];
    const valid = async (): Promise<void> => {
      while (next < GUESSES) {
        const t = Date.now();
        const res = await fetch(`${server.url}/v1/agents/faq/execute`, { method: 'POST', headers: { 'x-forwarded-for': '10.77.0.1', 'content-type': 'application/json', authorization: `Bearer ${CHAOS_SECRETS.clientKey}` }, body: '{"input":"valid"}' });
        expect(res.status).toBe(200);
        await res.text();
        validMs.push(Date.now() - t);
      }
    };
    await Promise.all([...Array.from({ length: 10 }, guess), valid()]);
    const seconds = (Date.now() - started) / 1000;
    const sorted = [...validMs].sort((a, b) => a - b);
    figures['admin_guessing'] = {
      guesses: GUESSES,
      seconds,
      statuses: Object.fromEntries(statuses),
      admitted_per_second: (statuses.get(401) ?? 0) / seconds,
      admitted_at_ms: admitted,
      valid_client: { requests: validMs.length, p50_ms: sorted[Math.floor(sorted.length / 2)], p99_ms: sorted[Math.floor(sorted.length * 0.99)] },
    };
    console.log(`hostile-clients: ${GUESSES} admin guesses in ${seconds.toFixed(1)} s: ${JSON.stringify(Object.fromEntries(statuses))}; valid client p50 ${sorted[Math.floor(sorted.length / 2)]} ms`);
    // The burst of 10, then the bucket's refill (1 per 6 s) at most.
    expect(statuses.get(401) ?? 0).toBeLessThanOrEqual(10 + Math.ceil(seconds / 6) + 1);
    expect(statuses.get(429)).toBeGreaterThan(GUESSES - 20);
    expect(server.output().match(/failed authentication from 10\.66\.0\.1/g)).toHaveLength(1);
  });
});
