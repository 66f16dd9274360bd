import { agentManifest } from './gateway-harness.js';
import { CHAOS_SECRETS } from './chaos-artifacts.js';

export interface FullPipelineOptions {
  /** Base URLs of the mock Anthropic and OpenAI upstreams. */
  readonly anthropicUrl: string;
  readonly openaiUrl: string;
  /** `server.shutdown_timeout`, seconds. */
  readonly shutdownTimeout?: number;
  /** `cache.max_entries`: small enough that the cache is full well before a soak's warm-up ends. */
  readonly cacheEntries?: number;
  /** The `capped` client's per-user limit per minute (the `load` client is never limited). */
  readonly cappedPerMinute?: number;
  /** Seconds per upstream attempt. */
  readonly providerTimeout?: number;
}

/** Where the spawned gateway writes its audit log, relative to its directory. */
export const AUDIT_FILE = 'audit/audit.jsonl';

/** Two agents, one per upstream, each falling back to the other. */
export const PIPELINE_AGENTS = { claude: 'support', gpt: 'faq' } as const;

/**
 * The files and environment of a `serve` process that runs every layer of the pipeline: client
 * keys, the memory rate limiter, the memory response cache, circuit breakers with retries and
 * fallback, the audit file sink, metrics behind a token. Every key comes from `CHAOS_SECRETS`
 * through `${VAR}`, so the final sweep would find any of them that leaked into an artifact.
 *
 * Clients: `load` (`CHAOS_SECRETS.clientKey`) has limits no test reaches; `capped`
 * (`CHAOS_SECRETS.otherClientKey`) gets `cappedPerMinute` requests a minute, to keep the 429
 * path under load too.
 *
 * @example
 * const { files, env } = fullPipelineFiles({ anthropicUrl: anthropic.url, openaiUrl: openai.url });
 * const server = await startServe(tempDir(files), env);
 */
export function fullPipelineFiles(options: FullPipelineOptions): { files: Record<string, string>; env: Record<string, string> } {
  const timeout = options.providerTimeout ?? 10;
  const breaker = (fallback: string): string =>
    `{ enabled: true, failure_threshold: 5, reset_timeout: 5, initial_backoff_ms: 50, max_backoff_ms: 500, fallback_providers: [${fallback}] }`;
  const config = `ossa:
  manifest_paths: [agents]
  server: { host: 127.0.0.1, port: 0, shutdown_timeout: ${options.shutdownTimeout ?? 10} }
  providers:
    claude: { type: anthropic, api_key: "\${ANTHROPIC_API_KEY}", base_url: "${options.anthropicUrl}", model: claude-sonnet-4-5, timeout: ${timeout}, max_retries: 1, max_connections: 256, circuit_breaker: ${breaker('gpt')} }
    gpt: { type: openai, api_key: "\${OPENAI_API_KEY}", base_url: "${options.openaiUrl}", model: gpt-4o-mini, timeout: ${timeout}, max_retries: 1, max_connections: 256, circuit_breaker: ${breaker('claude')} }
  rate_limit:
    enabled: true
    storage: memory
    user: { limit: 100000000, interval: "1 hour" }
    global: { limit: 100000000, interval: "1 hour" }
  cache: { enabled: true, storage: memory, response_ttl: 3600, max_entries: ${options.cacheEntries ?? 2000} }
  security:
    clients:
      - { id: load, key: "\${CLIENT_KEY}" }
      - { id: capped, key: "\${CAPPED_CLIENT_KEY}", rate_limit: { user: { limit: ${options.cappedPerMinute ?? 60}, interval: "1 minute" } } }
    admin_keys: ["\${ADMIN_KEY}"]
    audit_logging: true
    audit: { sink: file, path: ${AUDIT_FILE} }
  observability: { log_level: info, metrics: true, metrics_token: "\${METRICS_TOKEN}" }
`;
  return {
    files: {
      'ossa.yaml': config,
      [`agents/${PIPELINE_AGENTS.claude}.ossa.yaml`]: agentManifest(PIPELINE_AGENTS.claude, { provider: 'claude', model: 'claude-sonnet-4-5' }),
      [`agents/${PIPELINE_AGENTS.gpt}.ossa.yaml`]: agentManifest(PIPELINE_AGENTS.gpt, { provider: 'gpt', model: 'gpt-4o-mini' }),
    },
    env: {
      ANTHROPIC_API_KEY: CHAOS_SECRETS.anthropicKey,
      OPENAI_API_KEY: CHAOS_SECRETS.openaiKey,
      CLIENT_KEY: CHAOS_SECRETS.clientKey,
      CAPPED_CLIENT_KEY: CHAOS_SECRETS.otherClientKey,
      ADMIN_KEY: CHAOS_SECRETS.adminKey,
      METRICS_TOKEN: CHAOS_SECRETS.metricsToken,
    },
  };
}

/** The `Authorization` headers of the two clients and of a scraper. */
export const PIPELINE_AUTH = {
  load: { authorization: `Bearer ${CHAOS_SECRETS.clientKey}` },
  capped: { authorization: `Bearer ${CHAOS_SECRETS.otherClientKey}` },
  metrics: { authorization: `Bearer ${CHAOS_SECRETS.metricsToken}` },
} as const;
