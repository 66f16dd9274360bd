import { formatPath } from '../config/source-issue.js';
import { isRecord, type JsonRecord } from './manifest-values.js';

/**
 * What the gateway does with one manifest field:
 * - `enforced`: honoured at runtime. With `children`, only the keys listed there are; any
 *   other key declared below it is not (and is warned about). With `items`, the same for each
 *   entry of a list. Without either, everything below it is covered.
 * - `not-enforced`: declared, but nothing at runtime acts on it; `why` says what does or will.
 */
export type FieldCoverage =
  | { readonly status: 'enforced'; readonly children?: Readonly<Record<string, FieldCoverage>>; readonly items?: FieldCoverage }
  | { readonly status: 'not-enforced'; readonly why?: string };

const ENFORCED: FieldCoverage = { status: 'enforced' };
const enforced = (children?: Record<string, FieldCoverage>, items?: FieldCoverage): FieldCoverage => ({
  status: 'enforced',
  ...(children ? { children } : {}),
  ...(items ? { items } : {}),
});
const notEnforced = (why?: string): FieldCoverage => ({ status: 'not-enforced', ...(why ? { why } : {}) });

/** Sampling settings, readable at `spec.llm.*` and `spec.llm.parameters.*`. */
const SAMPLING: Record<string, FieldCoverage> = Object.fromEntries(
  ['temperature', 'maxTokens', 'max_tokens', 'topP', 'top_p', 'frequencyPenalty', 'frequency_penalty', 'presencePenalty', 'presence_penalty'].map((key) => [key, ENFORCED]),
);

// In flight: each later issue turns its line into `ENFORCED` (or a `children` table).
const TOOLS_ELSEWHERE = notEnforced('the gateway runs the tools of spec.tools (each through its kind); this list is not offered to the model');
const PII_IN_FLIGHT = notEnforced('PII detection and redaction are not implemented yet');
const COST_IN_FLIGHT = notEnforced('token and cost budgets are not implemented yet');

/**
 * Every manifest section where an agent declares how it must run, and which of its fields the
 * gateway enforces: the one list of enforced fields. A field declared there that is not
 * enforced is one warning at load time, naming it (`validate`, the serve log, and
 * `GET /v1/agents/{name}`'s `warnings`). A declared mapping with `enabled: false` asks for
 * nothing and is not warned about. Keys outside these sections (metadata, taxonomy,
 * observability, other runtimes' extensions) describe the agent rather than constrain it.
 */
export const MANIFEST_FIELDS: Readonly<Record<string, FieldCoverage>> = {
  // Also read from `spec.model` when `spec.llm` is absent (the same table applies).
  'spec.llm': enforced({
    provider: ENFORCED,
    model: ENFORCED,
    name: ENFORCED,
    $ref: ENFORCED,
    ...SAMPLING,
    parameters: enforced(SAMPLING),
    fallback_models: enforced(undefined, enforced({
      provider: ENFORCED,
      model: ENFORCED,
      temperature: ENFORCED,
      maxTokens: ENFORCED,
      max_tokens: ENFORCED,
      condition: ENFORCED,
      trigger: enforced({ on_error: ENFORCED, on_rate_limit: ENFORCED, on_timeout: ENFORCED, error_codes: ENFORCED, latency_threshold_ms: ENFORCED, max_retries: ENFORCED }),
    })),
    retry_config: enforced({ max_attempts: ENFORCED, backoff_strategy: ENFORCED, initial_delay_ms: ENFORCED, max_delay_ms: ENFORCED }),
  }),
  // Each entry is read by the tool kind that runs it; one that no kind runs keeps its agent from starting.
  'spec.tools': ENFORCED,
  'spec.safety': enforced({
    rate_limiting: enforced({ enabled: ENFORCED, requests_per_minute: ENFORCED, burst_limit: ENFORCED }),
    pii_detection: PII_IN_FLIGHT,
    guardrails: enforced({ max_tool_calls: ENFORCED, max_execution_time_seconds: ENFORCED }),
  }),
  'spec.constraints': enforced({
    performance: enforced({ timeoutSeconds: ENFORCED }),
    cost: COST_IN_FLIGHT,
  }),
  'spec.autonomy': enforced({ approval_required: ENFORCED }),
  'spec.security': notEnforced("the gateway's client keys, HTTPS and audit come from its config, not from manifests"),
  'extensions.anthropic': enforced({
    enabled: ENFORCED,
    model: ENFORCED,
    system: ENFORCED,
    max_tokens: ENFORCED,
    temperature: ENFORCED,
    stop_sequences: ENFORCED,
    tools: TOOLS_ELSEWHERE,
  }),
  'extensions.openai_agents': enforced({
    enabled: ENFORCED,
    model: ENFORCED,
    instructions: ENFORCED,
    tools_mapping: TOOLS_ELSEWHERE,
  }),
};

/** A declared field the gateway does not enforce. */
export interface UnenforcedField {
  /** Its key path (`spec.safety.content_filtering`, `spec.llm.fallback_models[1].cost`). */
  readonly path: readonly (string | number)[];
  /** `spec.safety.content_filtering is not enforced by ossa-gateway`. */
  readonly message: string;
  readonly why?: string;
}

/**
 * The declared fields of `doc` under `MANIFEST_FIELDS` that the gateway does not enforce, in
 * the table's order, one per field (the shallowest: a whole unenforced mapping is one field).
 * `llmBase` is where the model settings were read (`spec.llm` or `spec.model`).
 */
export function findUnenforcedFields(doc: JsonRecord, llmBase: readonly string[] = ['spec', 'llm']): UnenforcedField[] {
  const found: UnenforcedField[] = [];
  for (const [section, coverage] of Object.entries(MANIFEST_FIELDS)) {
    const path = section === 'spec.llm' ? [...llmBase] : section.split('.');
    visit(valueAt(doc, path), path, coverage, found);
  }
  return found;
}

function visit(value: unknown, path: (string | number)[], coverage: FieldCoverage, found: UnenforcedField[]): void {
  if (value === undefined || value === null || declaresNothing(value)) return;
  if (coverage.status === 'not-enforced') {
    found.push({ path, message: `${formatPath(path)} is not enforced by ossa-gateway`, ...(coverage.why ? { why: coverage.why } : {}) });
    return;
  }
  if (coverage.items && Array.isArray(value)) {
    value.forEach((item, i) => visit(item, [...path, i], coverage.items!, found));
    return;
  }
  if (!coverage.children || !isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    visit(child, [...path, key], coverage.children[key] ?? notEnforced(), found);
  }
}

/** `{enabled: false, ...}`: a policy switched off asks for nothing. */
function declaresNothing(value: unknown): boolean {
  return isRecord(value) && value['enabled'] === false;
}

function valueAt(doc: JsonRecord, path: readonly string[]): unknown {
  let current: unknown = doc;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}
