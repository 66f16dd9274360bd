import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentManifest, readJson, startTestGateway, type JsonBody, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream } from '../support/mock-upstreams.js';
import { callToolsFirst } from '../support/tool-gateway.js';

// A full agent loop whose tool is a manifest `type: http` entry: the mock upstream (either wire
// format) asks for the tool, the gateway calls a real HTTP server on 127.0.0.1 with the
// manifest's auth, and the model gets the answer, never the token.
const TOOL_TOKEN = 'tok-e2e-weather-3b8f1c2d9e7a';
const AGENTS = { anthropic: 'weather-claude', openai: 'weather-gpt' } as const;

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

describe('an http tool in the agent loop', () => {
  let g: TestGateway;
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let tools: Server;
  const seen: Seen[] = [];

  beforeAll(async () => {
    tools = createServer((request: IncomingMessage, response) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers['authorization'] });
      response.setHeader('content-type', 'application/json');
      if (request.url?.startsWith('/weather/Atlantis')) {
        response.statusCode = 404;
        response.end(`{"error":"no such city","seen_auth":"${request.headers['authorization'] ?? ''}"}`);
        return;
      }
      // Echoes the header back: the model must see it redacted.
      response.end(JSON.stringify({ forecast: 'sunny', url: request.url, auth: request.headers['authorization'] }));
    });
    await new Promise<void>((resolve) => tools.listen(0, '127.0.0.1', resolve));
    const toolUrl = `http://127.0.0.1:${(tools.address() as AddressInfo).port}`;
    const toolEntry = (endpoint: string) => `  tools:
    - type: http
      name: get_forecast
      description: The forecast for a city
      endpoint: ${endpoint}
      method: GET
      auth: { type: bearer, credentials: "\${WEATHER_TOKEN}" }
      input_schema: { type: object, properties: { city: { type: string }, days: { type: integer } }, required: [city] }
`;
    [anthropic, openai] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
    g = await startTestGateway({
      ossa: {
        providers: {
          claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 5, max_retries: 0 },
          gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o', timeout: 5, max_retries: 0 },
        },
        // The manifest may read the tool's token, by its exact name.
        manifest_env: ['WEATHER_TOKEN'],
        tools: { http: { allowed_hosts: ['127.0.0.1'] } },
        rate_limit: { enabled: false },
        security: { audit: { path: 'audit/audit.jsonl', include_content: true } },
      },
      agents: {
        [AGENTS.anthropic]: agentManifest(AGENTS.anthropic, { provider: 'claude', model: 'claude-sonnet-4-5' }, toolEntry(`${toolUrl}/weather/{city}`)),
        [AGENTS.openai]: agentManifest(AGENTS.openai, { provider: 'gpt', model: 'gpt-4o' }, toolEntry(`${toolUrl}/weather/{city}`)),
        'weather-elsewhere': agentManifest('weather-elsewhere', { provider: 'claude', model: 'claude-sonnet-4-5' }, toolEntry('https://weather.example.net/{city}')),
      },
      env: { ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-httptool-0000', OPENAI_API_KEY: 'sk-TESTKEY-httptool-openai-0000', WEATHER_TOKEN: TOOL_TOKEN },
    });
  });
  afterAll(async () => {
    await g?.close();
    await Promise.all([anthropic, openai].map((mock) => mock?.close()));
    await new Promise((resolve) => tools?.close(resolve));
  });
  afterEach(() => {
    anthropic.reset();
    openai.reset();
    seen.length = 0;
  });

  const upstreamOf = (agent: string): MockUpstream => (agent === AGENTS.anthropic ? anthropic : openai);

  for (const [wire, agent] of Object.entries(AGENTS)) {
    it(`calls the endpoint with the model's arguments and the manifest's token, and answers from the result (${wire} wire)`, async () => {
      upstreamOf(agent).mode = callToolsFirst([{ name: 'get_forecast', arguments: { city: 'São Paulo', days: 2 } }]);
      const res = await g.post(`/v1/agents/${agent}/execute`, { input: 'Weather in São Paulo?' });
      expect(res.status).toBe(200);
      const body = await readJson(res);
      expect(body.finish_reason).toBe('stop');
      expect(seen).toEqual([{ method: 'GET', url: '/weather/S%C3%A3o%20Paulo?days=2', authorization: `Bearer ${TOOL_TOKEN}` }]);
      const result = body.steps.find((step: JsonBody) => step.role === 'tool');
      expect(result.is_error ?? false).toBe(false);
      expect(JSON.parse(result.content)).toEqual({ forecast: 'sunny', url: '/weather/S%C3%A3o%20Paulo?days=2', auth: '[redacted]' });
      // The second model turn carried the result, in the upstream's own format.
      expect(upstreamOf(agent).requests).toHaveLength(2);
      const second = JSON.stringify(upstreamOf(agent).requests[1]!.body);
      expect(second).toContain('sunny');
      expect(second).toContain(result.tool_call_id);
      expect(second).not.toContain(TOOL_TOKEN);
      expect(JSON.stringify(body)).not.toContain(TOOL_TOKEN);
    });
  }

  it('gives an error status back to the model as a tool error, and the run still answers', async () => {
    anthropic.mode = callToolsFirst([{ name: 'get_forecast', arguments: { city: 'Atlantis' } }]);
    const body = await readJson(await g.post(`/v1/agents/${AGENTS.anthropic}/execute`, { input: 'Weather in Atlantis?' }));
    expect(body.finish_reason).toBe('stop');
    const result = body.steps.find((step: JsonBody) => step.role === 'tool');
    expect(result).toMatchObject({ is_error: true });
    expect(result.content).toContain('HTTP 404: {"error":"no such city","seen_auth":"[redacted]"}');
    expect(JSON.stringify(anthropic.requests[1]!.body)).not.toContain(TOOL_TOKEN);
    // Audit records with their content, and every log line: never the token.
    const audit = readFileSync(join(g.dir, 'audit/audit.jsonl'), 'utf8');
    expect(audit).toContain('get_forecast');
    expect(audit).not.toContain(TOOL_TOKEN);
    expect(g.logs.raw.length).toBeGreaterThan(0);
    expect(g.logs.raw.join('\n')).not.toContain(TOOL_TOKEN);
  });

  it('does not start an agent whose tool names a host that is not allowed, saying why', async () => {
    const res = await g.post('/v1/agents/weather-elsewhere/execute', { input: 'Weather?' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await readJson(res))).toMatch(/weather\.example\.net is not in tools\.http\.allowed_hosts/);
    expect(seen).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);
  });
});
