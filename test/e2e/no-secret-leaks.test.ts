import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsVault } from '../../src/secrets/secrets-vault.js';
import { generateVaultKeyPair } from '../../src/secrets/vault-crypto.js';
import { agentManifest, startTestGateway, tempDir, type TestGateway } from '../support/gateway-harness.js';
import { startMockAnthropic, startMockOpenAI, type MockUpstream, type RecordedRequest } from '../support/mock-upstreams.js';

// Recognisable fake keys, one per way a key reaches the gateway.
const ENV_KEY = 'sk-ant-LEAKCANARY-env-7f3a9c1e5b';
const FILE_KEY = 'sk-LEAKCANARY-file-2d8e4b6a0c';
const VAULT_KEY = 'sk-ant-LEAKCANARY-vault-9c1e7f3a5d';
const KEYS = [ENV_KEY, FILE_KEY, VAULT_KEY];
/** The part of every key that is unique to it: no log line may hold even that. */
const CANARY = 'LEAKCANARY';

/** An upstream error message that echoes the key it received, as some servers do. */
const echoKey = (request: RecordedRequest): string =>
  `invalid key ${String(request.headers['x-api-key'] ?? request.headers['authorization'] ?? '')}`;

describe('no secret anywhere: keys stay out of logs, audit records, error bodies and status endpoints', () => {
  let anthropic: MockUpstream;
  let openai: MockUpstream;
  let t: TestGateway;
  const bodies: string[] = [];

  beforeAll(async () => {
    anthropic = await startMockAnthropic();
    openai = await startMockOpenAI();
    const secrets = tempDir();
    writeFileSync(join(secrets, 'openai_key'), `${FILE_KEY}\n`);
    const vault = SecretsVault.at(join(secrets, 'vault'), 'dev');
    const keys = generateVaultKeyPair();
    vault.writeKeys(keys, { withPrivateKeyFile: false });
    vault.set('VAULT_ANTHROPIC_KEY', VAULT_KEY);

    t = await startTestGateway({
      logLevel: 'debug',
      ossa: {
        providers: {
          claude: {
            type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, timeout: 0.3, max_retries: 1,
            circuit_breaker: { failure_threshold: 50, initial_backoff_ms: 0, max_retry_after_ms: 100, fallback_providers: ['gpt'] },
          },
          gpt: { type: 'openai', api_key: `file:${join(secrets, 'openai_key')}`, base_url: openai.url, model: 'gpt-4o-mini', max_retries: 0, circuit_breaker: { failure_threshold: 50 } },
          vaulted: { type: 'anthropic', api_key: 'vault:VAULT_ANTHROPIC_KEY', base_url: anthropic.url, max_retries: 0, circuit_breaker: { failure_threshold: 50 } },
        },
        rate_limit: { enabled: false },
        cache: { enabled: false },
        security: { audit: { path: 'audit.jsonl', include_content: true }, secrets: { vault_dir: join(secrets, 'vault') } },
      },
      agents: {
        support: agentManifest('support', { provider: 'claude', model: 'claude-sonnet-4-5' }),
        vaulted: agentManifest('vaulted', { provider: 'vaulted', model: 'claude-sonnet-4-5' }),
      },
      env: { ANTHROPIC_API_KEY: ENV_KEY, OSSA_SECRETS_DECRYPT_KEY: keys.privateKey },
    });
  });
  afterAll(async () => {
    await t.close();
    await anthropic.close();
    await openai.close();
  });

  async function call(agent: string): Promise<number> {
    const res = await t.post(`/v1/agents/${agent}/execute`, { input: 'hello' });
    bodies.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
    return res.status;
  }

  it('sends each key to its upstream (env, file: and vault: references all resolve)', async () => {
    expect(await call('support')).toBe(200);
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe(ENV_KEY);
    expect(await call('vaulted')).toBe(200);
    expect(anthropic.requests.at(-1)!.headers['x-api-key']).toBe(VAULT_KEY);
    anthropic.fail({ status: 401, message: echoKey });
    expect(await call('support')).toBe(200);
    expect(openai.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${FILE_KEY}`);
  });

  it('runs the failure scenarios with upstreams that echo the key back', async () => {
    // 401 and 403 everywhere, each upstream quoting the key it got: a 502 naming the provider.
    anthropic.fail({ status: 401, message: echoKey, times: 1 });
    openai.fail({ status: 403, message: echoKey, times: 1 });
    expect(await call('support')).toBe(502);
    // 500s, 429 with Retry-After, timeouts, resets: retries, fallback, 503.
    anthropic.fail({ status: 500, message: echoKey, times: 2 });
    openai.fail({ status: 429, message: echoKey, retryAfter: '1' });
    expect(await call('support')).toBe(503);
    anthropic.script({ kind: 'hang' }, { kind: 'reset' });
    openai.script({ kind: 'malformed' });
    expect(await call('support')).toBe(503);
    anthropic.fail({ status: 401, message: echoKey });
    expect(await call('vaulted')).toBe(502);
    anthropic.script({ kind: 'stream-error', afterDeltas: 1 });
    const prepared = t.gateway.executor.prepare('vaulted', 'stream please', {}, { requestId: 'stream-leak-1' });
    await (async () => {
      for await (const _part of prepared.route.provider.stream(prepared.call, new AbortController().signal));
    })().catch((error: unknown) => bodies.push(String(error), JSON.stringify(error)));
    // Streamed, natively and through the OpenAI-compatible route: failures before the stream opens and inside it.
    const post = async (path: string, body: Record<string, unknown>): Promise<number> => {
      const res = await t.post(path, body);
      bodies.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
      return res.status;
    };
    anthropic.fail({ status: 401, message: echoKey });
    expect(await post('/v1/agents/vaulted/execute', { input: 'stream please', stream: true })).toBe(502);
    anthropic.script({ kind: 'stream-error', afterDeltas: 1 });
    expect(await post('/v1/agents/vaulted/execute', { input: 'stream please', stream: true })).toBe(200);
    expect(bodies.at(-1)).toContain('event: error');
    anthropic.fail({ status: 401, message: echoKey });
    expect(await post('/v1/chat/completions', { model: 'vaulted', messages: [{ role: 'user', content: 'hi' }], stream: true })).toBe(502);
    anthropic.script({ kind: 'truncate', afterDeltas: 1 });
    expect(await post('/v1/chat/completions', { model: 'vaulted', messages: [{ role: 'user', content: 'hi' }], stream: true })).toBe(200);
    expect(bodies.at(-1)).toContain('"error"');
    for (const path of ['/v1/providers', '/readyz', '/v1/agents', '/v1/agents/vaulted', '/healthz', '/metrics', '/status.json', '/status', '/v1/models']) {
      const res = await t.get(path);
      bodies.push(`${path} ${res.status} ${await res.text()}`);
    }
  });

  it('finds no key, nor any part of one, in any log line, audit record, response or status body', async () => {
    await t.gateway.audit!.flush();
    const audit = readFileSync(join(t.dir, 'audit.jsonl'), 'utf8');
    const logs = t.logs.raw.join('\n');
    expect(audit.split('\n').length).toBeGreaterThan(20);
    expect(t.logs.lines.length).toBeGreaterThan(20);
    for (const [where, text] of [['audit log', audit], ['gateway logs', logs], ['responses and status endpoints', bodies.join('\n')]] as const) {
      for (const key of KEYS) expect(text, `${where} must not hold a key`).not.toContain(key);
      expect(text, `${where} must not hold any part of a key`).not.toContain(CANARY);
    }
    // The scenarios did happen: upstreams got the keys, and echoed them back in their errors.
    expect(anthropic.requests.some((r) => r.behaviour === 'error')).toBe(true);
    expect(bodies.some((b) => b.startsWith('502 '))).toBe(true);
  });

  it('says where each key comes from without saying what it is', async () => {
    const providers = JSON.parse((await (await t.get('/v1/providers')).text()) as string) as { providers: { name: string; key_origin: string | null }[] };
    expect(Object.fromEntries(providers.providers.map((p) => [p.name, p.key_origin]))).toMatchObject({
      claude: 'env:ANTHROPIC_API_KEY',
      gpt: expect.stringMatching(/^file:.*openai_key$/),
      vaulted: 'vault:VAULT_ANTHROPIC_KEY',
    });
  });
});
