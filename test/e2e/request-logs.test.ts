import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import { startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';

const OPENAI_KEY = 'sk-TESTKEY-logs-GGGGGGGGGG';

describe('log lines of a request (pino JSON lines, debug level)', () => {
  let openai: MockUpstream;
  let t: TestGateway;

  beforeAll(async () => {
    openai = await startMockOpenAI();
    t = await startTestGateway({
      ossa: {
        providers: { gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, timeout: 2 } },
        observability: { log_level: 'debug' },
        rate_limit: { enabled: false },
        cache: { enabled: false },
      },
      agents: { reviewer: agentManifest('reviewer', { provider: 'openai', model: 'gpt-4o' }) },
      env: { OPENAI_API_KEY: OPENAI_KEY },
      logLevel: 'debug',
    });
    // A custom subscriber that breaks: its failure is logged with the request too.
    t.gateway.events.on('agent.execution.complete', () => {
      throw new Error('a custom handler failed');
    });
  });
  afterAll(async () => {
    await t.close();
    await openai.close();
  });

  /** The lines a request wrote: everything logged between its start and its answer. */
  async function linesOf(send: () => Promise<Response>): Promise<Record<string, unknown>[]> {
    const before = t.logs.lines.length;
    const res = await send();
    await res.arrayBuffer();
    // The request's last line is written in the response hook; give it the tick it needs.
    await new Promise((resolve) => setImmediate(resolve));
    return t.logs.lines.slice(before);
  }

  it('tags every line of a successful request with its request_id', async () => {
    const lines = await linesOf(() => t.post('/v1/agents/reviewer/execute', { input: 'x' }, { 'x-request-id': 'log-ok-1' }));
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining([
      'agent execution started',
      'agent execution completed',
      'event subscriber for agent.execution.complete failed; the request continues',
      'request completed',
    ]));
    for (const line of lines) expect(line, JSON.stringify(line)).toMatchObject({ request_id: 'log-ok-1' });
  });

  it('tags every line of a failed request with its request_id, and logs no key and no prompt', async () => {
    openai.fail({ status: 401, message: `Incorrect API key provided: ${OPENAI_KEY}` });
    const lines = await linesOf(() => t.post('/v1/agents/reviewer/execute', { input: 'my private prompt' }, { 'x-request-id': 'log-err-1' }));
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining([expect.stringMatching(/^agent execution failed/), 'request completed']));
    for (const line of lines) expect(line).toMatchObject({ request_id: 'log-err-1' });
    const raw = JSON.stringify(lines);
    expect(raw).not.toContain(OPENAI_KEY);
    expect(raw).not.toContain('my private prompt');
  });

  it('tags the lines of an invalid request too', async () => {
    const lines = await linesOf(() => t.post('/v1/agents/reviewer/execute', { wrong: true }, { 'x-request-id': 'log-bad-1' }));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ request_id: 'log-bad-1' });
  });
});
