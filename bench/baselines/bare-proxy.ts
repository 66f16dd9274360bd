import Fastify, { type FastifyInstance } from 'fastify';
import { Pool } from 'undici';
import { BENCH_AGENT, BENCH_MODEL_SETTINGS, BENCH_UPSTREAM_KEY } from '../requests/bench-requests.js';

/** What the bare proxy forwards to. */
export interface BareProxyOptions {
  /** The mock's OpenAI base URL (`http://127.0.0.1:<port>/v1`). */
  readonly upstreamBaseUrl: string;
  /** The bench agent's system prompt (its `spec.role`), as the gateway sends it. */
  readonly systemPrompt: string;
  /** Keep-alive connections to the upstream: the gateway's `max_connections` in full-pipeline.yaml. */
  readonly connections?: number;
}

interface ExecuteBody {
  readonly input: string;
}

/** The part of an OpenAI Chat Completions answer the proxy reads. */
interface ChatCompletion {
  readonly model?: string;
  readonly choices?: readonly { readonly message?: { readonly content?: string | null }; readonly finish_reason?: string | null }[];
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number; readonly total_tokens?: number };
}

/**
 * The cache-miss baseline of issue #12: what the gateway's cache miss does with no layers at
 * all. Fastify 5 parses the JSON body of `POST /v1/agents/bench-support/execute`, the route
 * builds the OpenAI body the gateway would send (the agent's system prompt, the input, its
 * model settings), calls the upstream with undici's `request()` on a keep-alive `Pool`, parses
 * the answer and replies with JSON shaped like the gateway's. No auth, no rate limit, no cache,
 * no breaker, no audit, no metrics, no logs: the floor a full pipeline is measured against.
 *
 * @example
 * const app = bareProxy({ upstreamBaseUrl: mock.openAIBaseUrl, systemPrompt: agentSystemPrompt(benchDir) });
 * await app.listen({ port: 0, host: '127.0.0.1' });
 */
export function bareProxy(options: BareProxyOptions): FastifyInstance {
  const base = new URL(options.upstreamBaseUrl);
  const path = `${base.pathname.replace(/\/+$/, '')}/chat/completions`;
  const pool = new Pool(base.origin, { connections: options.connections ?? 128 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_UPSTREAM_KEY}` };
  const app = Fastify({ logger: false });
  app.addHook('onClose', async () => {
    await pool.close();
  });

  app.post<{ Params: { name: string }; Body: ExecuteBody }>('/v1/agents/:name/execute', async (request, reply) => {
    const { name } = request.params;
    const input = request.body?.input;
    if (name !== BENCH_AGENT) return reply.code(404).send({ error: `unknown agent ${name}` });
    if (typeof input !== 'string') return reply.code(400).send({ error: 'input must be a string' });
    const started = performance.now();
    const body = JSON.stringify({
      model: BENCH_MODEL_SETTINGS.model,
      messages: [
        { role: 'system', content: options.systemPrompt },
        { role: 'user', content: input },
      ],
      max_tokens: BENCH_MODEL_SETTINGS.max_tokens,
      temperature: BENCH_MODEL_SETTINGS.temperature,
    });
    const upstream = await pool.request({ method: 'POST', path, headers, body });
    const answer = (await upstream.body.json()) as ChatCompletion;
    if (upstream.statusCode !== 200) return reply.code(502).send({ error: `upstream answered ${upstream.statusCode}` });
    const choice = answer.choices?.[0];
    return {
      request_id: String(request.id),
      agent: { name, version: '1.0.0' },
      output: choice?.message?.content ?? '',
      provider: 'upstream',
      model: answer.model ?? BENCH_MODEL_SETTINGS.model,
      usage: { input_tokens: answer.usage?.prompt_tokens ?? 0, output_tokens: answer.usage?.completion_tokens ?? 0, total_tokens: answer.usage?.total_tokens ?? 0 },
      finish_reason: choice?.finish_reason ?? 'stop',
      duration_ms: performance.now() - started,
      cached: false,
    };
  });
  return app;
}
