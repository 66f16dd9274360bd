import { describe, expect, it } from 'vitest';
import { findCorpusAgent, HAVE_CORPUS } from '../../test/support/ossa-corpus.js';
import { formatIssue } from '../config/source-issue.js';
import { MANIFEST_FIELDS } from './enforced-fields.js';
import { loadManifestText } from './load-manifest.js';
import { retryDelayMs } from './retry-config.js';

const manifest = (body: string) => `apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: helper\n  version: 1.0.0\n${body}`;
const load = (body: string, env: Record<string, string> = {}) => loadManifestText(manifest(body), 'm.ossa.yaml', env);

describe('the model settings real manifests use', () => {
  it('reads topP and the penalties, camelCase or snake_case, in llm or llm.parameters, placeholders resolved', () => {
    const camel = load('spec:\n  role: R\n  llm:\n    provider: openai\n    topP: ${LLM_TOP_P:-0.9}\n    frequencyPenalty: 0.5\n    parameters:\n      presence_penalty: -1\n');
    expect(camel.errors).toEqual([]);
    expect(camel.agents[0]!.llm).toMatchObject({ topP: 0.9, frequencyPenalty: 0.5, presencePenalty: -1 });
    expect(load('spec:\n  role: R\n  llm:\n    top_p: 0.3\n', { LLM_TOP_P: '0.3' }).agents[0]!.llm.topP).toBe(0.3);
    const bad = load('spec:\n  role: R\n  llm:\n    topP: 1.5\n    presencePenalty: high\n');
    expect(bad.errors.map(formatIssue)).toEqual([
      'm.ossa.yaml:9:11: spec.llm.topP: expected a number between 0 and 1, got 1.5',
      'm.ossa.yaml:10:22: spec.llm.presencePenalty: expected a number between -2 and 2, got "high"',
    ]);
  });

  it('reads retry_config with the official defaults, and its backoff strategies', () => {
    const { agents } = load('spec:\n  role: R\n  llm:\n    retry_config:\n      max_attempts: 1\n');
    expect(agents[0]!.llm.retry).toEqual({ maxAttempts: 1, backoff: 'exponential', initialDelayMs: 1000, maxDelayMs: 30_000 });
    const policy = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 450 } as const;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs({ ...policy, backoff: 'exponential' }, n))).toEqual([100, 200, 400, 450, 450]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs({ ...policy, backoff: 'linear' }, n))).toEqual([100, 200, 300, 400, 450]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs({ ...policy, backoff: 'fibonacci' }, n))).toEqual([100, 100, 200, 300, 450]);
    expect([1, 2, 3].map((n) => retryDelayMs({ ...policy, backoff: 'none' }, n))).toEqual([100, 100, 100]);
    const bad = load('spec:\n  role: R\n  llm:\n    retry_config:\n      max_attempts: 0\n      backoff_strategy: random\n');
    expect(bad.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'spec.llm.retry_config.max_attempts: expected a whole number between 1 and 10, got 0',
      'spec.llm.retry_config.backoff_strategy: expected one of none, linear, exponential, fibonacci, got "random"',
    ]);
  });

  it('reads fallback triggers (the schema\'s trigger, or condition) and each fallback\'s own temperature and max tokens', () => {
    const { agents, errors } = load(`spec:
  role: R
  llm:
    provider: anthropic
    fallback_models:
      - { provider: openai, model: gpt-4o, condition: on_error }
      - { provider: google, model: gemini, condition: on_rate_limit, temperature: 0.1, maxTokens: 64 }
      - { provider: echo, trigger: { error_codes: [500, 503], latency_threshold_ms: 2000 } }
      - { provider: openai, model: gpt-4o-mini, trigger: { on_error: true, max_retries: 2 } }
`);
    expect(errors).toEqual([]);
    expect(agents[0]!.llm.fallbackModels).toEqual([
      { provider: 'openai', model: 'gpt-4o', trigger: { onError: true, onRateLimit: false, onTimeout: false, errorCodes: [] } },
      { provider: 'google', model: 'gemini', temperature: 0.1, maxTokens: 64, trigger: { onError: false, onRateLimit: true, onTimeout: false, errorCodes: [] } },
      // Naming statuses narrows the trigger to them: on_error is off unless it is set.
      { provider: 'echo', trigger: { onError: false, onRateLimit: false, onTimeout: false, errorCodes: [500, 503], latencyThresholdMs: 2000 } },
      { provider: 'openai', model: 'gpt-4o-mini', trigger: { onError: true, onRateLimit: false, onTimeout: false, errorCodes: [], maxRetries: 2 } },
    ]);
    const bad = load('spec:\n  role: R\n  llm:\n    fallback_models:\n      - { provider: openai, condition: sometimes }\n      - { provider: openai, trigger: { error_codes: [42] } }\n');
    expect(bad.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'spec.llm.fallback_models[0].condition: expected one of on_error, on_rate_limit, on_timeout, got "sometimes"',
      'spec.llm.fallback_models[1].trigger.error_codes: expected a list of HTTP statuses (100-599), got a list',
    ]);
  });

  it('reads extensions.anthropic and extensions.openai_agents as the reference runtime does, unless enabled: false', () => {
    const { agents, errors } = load(`spec:
  role: Spec prompt.
  tools:
    - { type: function, name: lookup, description: From the spec }
    - { type: function, name: calculator, description: Shadowed by the extension }
extensions:
  anthropic:
    model: claude-x
    system: Anthropic prompt.
    max_tokens: 2048
    temperature: 0.3
    stop_sequences: ["END"]
    tools:
      - { name: calculator, description: Calculate, input_schema: { type: object, properties: { expression: { type: string } } } }
  openai_agents:
    enabled: false
    instructions: Never read.
`);
    expect(errors).toEqual([]);
    expect(agents[0]!.extensions).toEqual({
      anthropic: {
        model: 'claude-x', system: 'Anthropic prompt.', maxTokens: 2048, temperature: 0.3, stopSequences: ['END'],
        tools: [{ name: 'calculator', description: 'Calculate', parameters: { type: 'object', properties: { expression: { type: 'string' } } } }],
      },
    });
    // The extension's tools first (they carry their schema), then spec.tools of other names.
    expect(agents[0]!.tools.map((t) => `${t.name}: ${t.description}`)).toEqual(['calculator: Calculate', 'lookup: From the spec']);
    const bad = load('spec:\n  role: R\nextensions:\n  anthropic:\n    max_tokens: lots\n    temperature: 1.5\n');
    expect(bad.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'extensions.anthropic.max_tokens: expected a whole number >= 1, got "lots"',
      'extensions.anthropic.temperature: expected a number between 0 and 1, got 1.5',
    ]);
  });
});

describe('declared fields the gateway does not enforce', () => {
  it('warns once per field, at its key, naming it; enforced fields and switched-off policies are silent', () => {
    const result = load(`spec:
  role: R
  llm:
    provider: anthropic
    topP: 0.9
    profile: safe
    fallback_models:
      - { provider: openai, cost_weight: 2 }
  safety:
    rate_limiting: { enabled: true, requests_per_minute: 10 }
    content_filtering: { enabled: true, categories: [hate] }
    kill_switch: { enabled: false }
    pii_detection: { enabled: true, action: redact }
  constraints:
    performance: { timeoutSeconds: 30, maxLatencySeconds: 5 }
    cost: { maxTokensPerDay: 1000 }
  tools:
    - { type: function, name: lookup }
extensions:
  anthropic:
    use_extended_thinking: true
  langchain:
    chain_type: stuff
`);
    expect(result.errors).toEqual([]);
    expect(result.unenforced.map(formatIssue)).toEqual([
      'm.ossa.yaml:11:5: spec.llm.profile is not enforced by ossa-gateway',
      'm.ossa.yaml:13:29: spec.llm.fallback_models[0].cost_weight is not enforced by ossa-gateway',
      'm.ossa.yaml:16:5: spec.safety.content_filtering is not enforced by ossa-gateway',
      'm.ossa.yaml:18:5: spec.safety.pii_detection is not enforced by ossa-gateway (PII detection and redaction are not implemented yet)',
      'm.ossa.yaml:20:40: spec.constraints.performance.maxLatencySeconds is not enforced by ossa-gateway',
      'm.ossa.yaml:21:5: spec.constraints.cost is not enforced by ossa-gateway (token and cost budgets are not implemented yet)',
      'm.ossa.yaml:26:5: extensions.anthropic.use_extended_thinking is not enforced by ossa-gateway',
    ]);
    expect(result.agents[0]!.unenforced).toEqual([
      'spec.llm.profile', 'spec.llm.fallback_models[0].cost_weight', 'spec.safety.content_filtering', 'spec.safety.pii_detection',
      'spec.constraints.performance.maxLatencySeconds', 'spec.constraints.cost', 'extensions.anthropic.use_extended_thinking',
    ]);
    expect(result.agents[0]!.warnings).toContain('spec.safety.content_filtering is not enforced by ossa-gateway');
  });

  it('keeps the fields in flight in the one table, each a line its issue removes', () => {
    expect(MANIFEST_FIELDS['spec.tools']).toEqual({ status: 'enforced' });
    expect(MANIFEST_FIELDS['spec.autonomy']).toEqual({ status: 'enforced', children: { approval_required: { status: 'enforced' } } });
    expect(MANIFEST_FIELDS['spec.safety']).toMatchObject({ children: { pii_detection: { status: 'not-enforced' } } });
    expect(MANIFEST_FIELDS['spec.constraints']).toMatchObject({ children: { cost: { status: 'not-enforced' } } });
    expect(MANIFEST_FIELDS['spec.llm']).toMatchObject({ children: { retry_config: { status: 'enforced' }, topP: { status: 'enforced' } } });
  });

  it.skipIf(!HAVE_CORPUS)('warns about a corpus agent\'s content filtering and allowed actions, not its approvals (the loop honours them)', () => {
    const { agent } = findCorpusAgent('spec.safety.content_filtering and spec.autonomy.allowed_actions', (a) => a.unenforced.includes('spec.safety.content_filtering') && a.unenforced.includes('spec.autonomy.allowed_actions'));
    expect(agent.warnings).toContain('spec.safety.content_filtering is not enforced by ossa-gateway');
    expect(agent.warnings).toContain('spec.autonomy.allowed_actions is not enforced by ossa-gateway');
    expect(agent.unenforced).not.toContain('spec.autonomy.approval_required');
  });
});
