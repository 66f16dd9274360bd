import Fastify, { type FastifyInstance } from 'fastify';
import { ANSWER_WORDS } from '../mock/mock-bodies.js';
import { BENCH_MODEL_SETTINGS } from '../requests/bench-requests.js';

/**
 * What the Map holds: answers by input (`cache-hit`), or a budget of answers per client key
 * (`rate-limit`, one per hour as the 429 scenario configures the gateway).
 */
export type MapRouteKind = 'cache-hit' | 'rate-limit';

interface ExecuteBody {
  readonly input: string;
}

/** The answer the gateway gives for the mock's completion, minus its per-request fields. */
interface StoredAnswer {
  readonly agent: { readonly name: string; readonly version: string };
  readonly output: string;
  readonly provider: string;
  readonly model: string;
  readonly usage: { readonly input_tokens: number; readonly output_tokens: number; readonly total_tokens: number };
  readonly finish_reason: string;
}

const RATE_LIMIT_WINDOW_S = 3_600;

/**
 * The cache-hit and 429 baseline of issue #12: a bare Fastify 5 route (JSON body parsed, as
 * every route's is) answering from a `Map`, with no layers: what a cache hit or a 429 costs
 * when nothing else runs. Nothing reaches an upstream.
 *
 * - `cache-hit`: the answer stored under the input is sent with `X-Cache: HIT` (serialised per
 *   request, with its own request id, as the gateway's is); an unknown input is stored first
 *   and answered `X-Cache: MISS`, so the harness's cache probe primes it as it primes the gateway.
 * - `rate-limit`: the client key's window in the Map admits one answer; after it, every request
 *   is a 429 with `Retry-After`, the `RateLimit-*` fields and a problem+json body.
 *
 * @example
 * const app = mapRoute('cache-hit');
 * await app.listen({ port: 0, host: '127.0.0.1' });
 */
export function mapRoute(kind: MapRouteKind): FastifyInstance {
  const app = Fastify({ logger: false });
  const path = '/v1/agents/:name/execute';
  type Route = { Params: { name: string }; Body: ExecuteBody };
  switch (kind) {
    case 'cache-hit': {
      const answers = new Map<string, StoredAnswer>();
      app.post<Route>(path, async (request, reply) => {
        const input = request.body?.input;
        if (typeof input !== 'string') return reply.code(400).send({ error: 'input must be a string' });
        const key = `${request.params.name}\n${input}`;
        let stored = answers.get(key);
        const hit = stored !== undefined;
        if (stored === undefined) {
          stored = storedAnswer(request.params.name);
          answers.set(key, stored);
        }
        void reply.header('x-cache', hit ? 'HIT' : 'MISS');
        return { request_id: String(request.id), ...stored, duration_ms: 0, cached: hit };
      });
      break;
    }
    case 'rate-limit': {
      const windows = new Map<string, { resetAt: number; remaining: number }>();
      app.post<Route>(path, async (request, reply) => {
        const client = request.headers.authorization ?? '';
        const now = Date.now();
        let window = windows.get(client);
        if (window === undefined || window.resetAt <= now) {
          window = { resetAt: now + RATE_LIMIT_WINDOW_S * 1000, remaining: 1 };
          windows.set(client, window);
        }
        const resetS = Math.ceil((window.resetAt - now) / 1000);
        if (window.remaining <= 0) {
          return reply
            .code(429)
            .headers({ 'retry-after': String(resetS), 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetS), 'content-type': 'application/problem+json' })
            .send({ type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'the user rate limit (1 per 1 hour) is exhausted', limit: 'user' });
        }
        window.remaining--;
        void reply.headers({ 'ratelimit-limit': '1', 'ratelimit-remaining': String(window.remaining), 'ratelimit-reset': String(resetS) });
        return { request_id: String(request.id), ...storedAnswer(request.params.name), duration_ms: 0, cached: false };
      });
      break;
    }
    default: {
      const unreachable: never = kind;
      throw new Error(`bench: unknown map route kind ${String(unreachable)}`);
    }
  }
  return app;
}

function storedAnswer(name: string): StoredAnswer {
  return {
    agent: { name, version: '1.0.0' },
    output: ANSWER_WORDS.join(' '),
    provider: 'upstream',
    model: BENCH_MODEL_SETTINGS.model,
    usage: { input_tokens: 96, output_tokens: ANSWER_WORDS.length, total_tokens: 96 + ANSWER_WORDS.length },
    finish_reason: 'stop',
  };
}
