import Fastify from 'fastify';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentManifest, tempDir } from '../support/gateway-harness.js';
import { createLogger } from '../../src/observability/logger.js';

describe('the library API', () => {
  it('is importable by package name from the built output', async () => {
    // Self-reference through package.json "exports": what `import ... from 'ossa-gateway'` resolves to.
    const lib = (await import('ossa-gateway' as string)) as typeof import('../../src/index.js');
    expect(typeof lib.createGateway).toBe('function');
    expect(typeof lib.ossaGatewayPlugin).toBe('function');
  });

  it('builds the pipeline from a config file and runs agents in-process', async () => {
    const { createGateway } = await import('../../src/index.js');
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n', 'agents/helper.ossa.yaml': agentManifest('helper') });
    const gateway = await createGateway({ configPath: join(dir, 'ossa.yaml'), env: {}, logger: createLogger({ level: 'silent' }) });
    const answer = await gateway.execute('helper', 'hello', { user: 'ada' });
    expect(answer).toMatchObject({ output: '[echo] hello', provider: 'echo', agent: { name: 'helper' } });
    expect(answer.request_id).toMatch(/^[0-9a-f-]{36}$/);
    await gateway.close();
  });

  it('streams an agent in-process: start, the answer in deltas, done', async () => {
    const { createGateway } = await import('../../src/index.js');
    const dir = tempDir({ 'agents/helper.ossa.yaml': agentManifest('helper') });
    const gateway = await createGateway({ config: { manifest_paths: [join(dir, 'agents')] }, env: {}, logger: createLogger({ level: 'silent' }) });
    const events = [];
    for await (const event of gateway.executeStream('helper', 'hello there world', {}, { requestId: 'lib-1' })) events.push(event);
    expect(events[0]).toEqual({ type: 'start', request_id: 'lib-1', agent: { name: 'helper', version: '1.0.0' }, provider: 'echo', model: 'echo', cached: false });
    expect(events.filter((e) => e.type === 'delta').map((e) => (e.type === 'delta' ? e.text : '')).join('')).toBe('[echo] hello there world');
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { request_id: 'lib-1', output: '[echo] hello there world', provider: 'echo' } });
    await gateway.close();
  });

  it('rate-limits gateway.execute() and executeStream() like HTTP, unless the call says skipRateLimit', async () => {
    const lib = await import('../../src/index.js');
    const dir = tempDir({ 'agents/helper.ossa.yaml': agentManifest('helper') });
    const gateway = await lib.createGateway({
      config: { manifest_paths: [join(dir, 'agents')], rate_limit: { user: { limit: 1, interval: '1 hour' } }, cache: { enabled: false } },
      env: {},
      logger: createLogger({ level: 'silent' }),
    });
    const statuses: unknown[] = [];
    await gateway.execute('helper', 'hi', {}, { userId: 'ada', onRateLimit: (status) => void statuses.push(status) });
    expect(statuses).toEqual([{ scope: 'user', limit: 1, remaining: 0, resetSeconds: 3600 }]);
    const refused = await gateway.execute('helper', 'hi', {}, { userId: 'ada' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(lib.RateLimitExceededError);
    expect(refused).toMatchObject({ scope: 'user', retryAfterSeconds: 3600, message: 'your per-user limit of 1 requests is used up; retry in 3600 s' });
    const stream = async () => {
      for await (const _event of gateway.executeStream('helper', 'hi', {}, { userId: 'ada' })) throw new Error('no event expected');
    };
    await expect(stream()).rejects.toBeInstanceOf(lib.RateLimitExceededError);
    expect(await gateway.execute('helper', 'hi', {}, { userId: 'ada', skipRateLimit: true })).toMatchObject({ output: '[echo] hi' });
    // Another user has a bucket of their own; a call that names nobody is the user "anonymous".
    expect(await gateway.execute('helper', 'hi', {}, { userId: 'bob' })).toMatchObject({ output: '[echo] hi' });
    await gateway.execute('helper', 'hi');
    await expect(gateway.execute('helper', 'hi')).rejects.toBeInstanceOf(lib.RateLimitExceededError);
    await gateway.close();
  });

  it('mounts the OpenAI-compatible routes under the same prefix, streaming included', async () => {
    const { createGateway } = await import('../../src/index.js');
    const dir = tempDir({ 'agents/helper.ossa.yaml': agentManifest('helper') });
    const gateway = await createGateway({ config: { manifest_paths: [join(dir, 'agents')] }, env: {}, logger: createLogger({ level: 'silent' }) });
    const host = Fastify();
    await host.register(gateway.plugin, { prefix: '/ai' });
    const json = await host.inject({ method: 'POST', url: '/ai/v1/chat/completions', payload: { model: 'helper', messages: [{ role: 'user', content: 'hi' }] } });
    expect(json.json()).toMatchObject({ object: 'chat.completion', model: 'helper', choices: [{ message: { content: '[echo] hi' } }] });
    const streamed = await host.inject({ method: 'POST', url: '/ai/v1/chat/completions', payload: { model: 'helper', messages: [{ role: 'user', content: 'hi' }], stream: true } });
    expect(streamed.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(streamed.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect((await host.inject({ url: '/ai/v1/models' })).json()).toMatchObject({ object: 'list', data: [{ id: 'helper', object: 'model' }] });
    const unknown = await host.inject({ method: 'POST', url: '/ai/v1/chat/completions', payload: { model: 'nobody', messages: [{ role: 'user', content: 'hi' }] } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'model_not_found' } });
    await host.close();
    await gateway.close();
  });

  it('mounts the HTTP API in an existing Fastify app under a prefix, leaving its other routes alone', async () => {
    const { createGateway } = await import('../../src/index.js');
    const dir = tempDir({ 'agents/helper.ossa.yaml': agentManifest('helper') });
    const gateway = await createGateway({ config: { manifest_paths: [join(dir, 'agents')] }, env: {}, logger: createLogger({ level: 'silent' }) });
    const host = Fastify();
    host.get('/own', async () => ({ mine: true }));
    await host.register(gateway.plugin, { prefix: '/ai' });
    const ok = await host.inject({ method: 'POST', url: '/ai/v1/agents/helper/execute', payload: { input: 'hi' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ output: '[echo] hi' });
    const bad = await host.inject({ method: 'POST', url: '/ai/v1/agents/helper/execute', payload: { input: 'hi', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect((await host.inject({ url: '/own' })).json()).toEqual({ mine: true });
    await host.close();
    await gateway.close();
  });

  it('rejects an invalid config object with every problem named by key path', async () => {
    const { createGateway, SourceError } = await import('../../src/index.js');
    const attempt = createGateway({ config: { server: { port: 'eighty' }, default_temperature: 5 }, env: {} });
    await expect(attempt).rejects.toBeInstanceOf(SourceError);
    await expect(attempt).rejects.toThrow(/server\.port: expected/);
    await expect(attempt).rejects.toThrow(/default_temperature: expected a number between 0 and 2/);
  });
});
