/** Where a manifest's system prompt was found (the first that is present wins, in this order). */
export type SystemPromptSource =
  | 'spec.role'
  | 'spec.prompts.system'
  | 'spec.instructions'
  | 'spec.system'
  | 'metadata.description'
  /** A pass-through model (`models.<id>`): no prompt of its own. */
  | 'none';

/** The model settings a manifest asks for; absent fields fall back to the config defaults. */
export interface AgentLlmSettings {
  /** A configured provider name or a provider type; `none` marks an agent without an LLM. */
  readonly provider?: string;
  readonly model?: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** `spec.llm.fallback_models`: tried in order when the agent's provider cannot answer. */
  readonly fallbackModels: readonly { readonly provider: string; readonly model?: string }[];
}

/** An OSSA `kind: Agent` document, reduced to what the runtime uses. */
export interface AgentDefinition {
  readonly name: string;
  readonly version: string | null;
  readonly description: string;
  readonly apiVersion: string;
  readonly systemPrompt: string;
  readonly systemPromptSource: SystemPromptSource;
  readonly llm: AgentLlmSettings;
  /** `spec.constraints.performance.timeoutSeconds`: the deadline of one execution. */
  readonly timeoutSeconds?: number;
  /** `spec.safety.rate_limiting`, when enabled. */
  readonly rateLimit?: { readonly requestsPerMinute: number; readonly burstLimit: number };
  readonly tools: readonly { readonly name: string; readonly description?: string }[];
  /** sha256 of the manifest document's canonical JSON: editing an agent changes it. */
  readonly contentHash: string;
  readonly source: { readonly file: string; readonly line: number; readonly document: number };
}
