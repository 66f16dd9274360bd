import { startMockAnthropic, startMockOpenAI, type MockUpstream } from './mock-upstreams.js';
import { agentManifest, startTestGateway, type TestGateway } from './gateway-harness.js';

/** The pass-through models every models suite calls: one on each wire format, each falling back to the other. */
export const MODELS = { anthropic: 'claude-sonnet-4-5', openai: 'gpt-4o' } as const;

/** The client keys of a models gateway: `all` may use everything, `cc` the `claude-*` models (and every agent), `web` the agent `support` alone. */
export const MODEL_CLIENT_KEYS = {
  all: 'ossa-TESTKEY-models-all-0123456789abcdef',
  cc: 'ossa-TESTKEY-models-cc-0123456789abcdef0',
  web: 'ossa-TESTKEY-models-web-0123456789abcdef',
} as const;

/** A gateway of pass-through models before a mock OpenAI and a mock Anthropic upstream. */
export interface ModelsGateway {
  readonly t: TestGateway;
  readonly openai: MockUpstream;
  readonly anthropic: MockUpstream;
  /** The mock behind a model of `MODELS` or the agent `support` (OpenAI). */
  upstreamOf(name: string): MockUpstream;
  /** Forgets both mocks' requests and scripts, and clears the response cache. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One in-process gateway (memory cache, no retries) with the pass-through models of `MODELS`
 * (each falling back to the other upstream), the agent `support` on OpenAI (its prompt leads,
 * for the tests that compare), three clients (`MODEL_CLIENT_KEYS`) and a per-user rate limit,
 * so every layer a model request goes through is on.
 */
export async function startModelsGateway(): Promise<ModelsGateway> {
  const openai = await startMockOpenAI();
  const anthropic = await startMockAnthropic();
  const t = await startTestGateway({
    ossa: {
      providers: {
        gpt: { type: 'openai', api_key: '${OPENAI_API_KEY}', base_url: openai.url, model: 'gpt-4o', timeout: 5, max_retries: 0 },
        claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: anthropic.url, model: 'claude-sonnet-4-5-20250929', timeout: 5, max_retries: 0 },
      },
      models: {
        [MODELS.anthropic]: { provider: 'claude', model: 'claude-sonnet-4-5-20250929', fallback: [{ provider: 'gpt', model: 'gpt-4o-mini' }] },
        [MODELS.openai]: { provider: 'gpt', fallback: [{ provider: 'claude' }] },
      },
      cache: { storage: 'memory' },
      rate_limit: { user: { limit: 1000, interval: '1 hour' } },
      security: {
        clients: [
          { id: 'all', key: '${ALL_KEY}' },
          { id: 'cc', key: '${CC_KEY}', models: ['claude-*'] },
          { id: 'web', key: '${WEB_KEY}', agents: ['support'] },
        ],
      },
    },
    agents: { support: agentManifest('support', { provider: 'gpt', model: 'gpt-4o' }) },
    env: {
      OPENAI_API_KEY: 'sk-TESTKEY-models-openai-0000',
      ANTHROPIC_API_KEY: 'sk-ant-TESTKEY-models-anthropic-0000',
      ALL_KEY: MODEL_CLIENT_KEYS.all,
      CC_KEY: MODEL_CLIENT_KEYS.cc,
      WEB_KEY: MODEL_CLIENT_KEYS.web,
    },
  });
  return {
    t,
    openai,
    anthropic,
    upstreamOf: (name) => (name === MODELS.anthropic ? anthropic : openai),
    reset: async () => {
      openai.reset();
      anthropic.reset();
      await t.gateway.cache!.clearAll();
    },
    close: async () => {
      await t.close();
      await openai.close();
      await anthropic.close();
    },
  };
}
