import type { JsonSchema } from '../providers/provider.js';
import type { ManifestToolEntry } from '../tools/server-tool.js';
import type { AgentLoopSettings } from './loop-settings.js';

/** Where a manifest's system prompt was found (the first that is present wins, in this order). */
export type SystemPromptSource =
  | 'spec.role'
  | 'spec.prompts.system'
  | 'spec.instructions'
  | 'spec.system'
  | 'metadata.description'
  /** A pass-through model (`models.<id>`): no prompt of its own. */
  | 'none';

/**
 * `spec.llm.retry_config`: how often and how patiently the agent's calls are retried. It
 * replaces the retry settings of every provider the agent calls (`max_retries`, backoff).
 */
export interface AgentRetryPolicy {
  /** Attempts in all, the first included (1: never retried). */
  readonly maxAttempts: number;
  /** How the wait grows: `none` (always `initialDelayMs`), `linear`, `exponential`, `fibonacci`. */
  readonly backoff: 'none' | 'linear' | 'exponential' | 'fibonacci';
  /** The wait before the first retry. */
  readonly initialDelayMs: number;
  /** No wait is longer. */
  readonly maxDelayMs: number;
}

/**
 * When a fallback takes over (`fallback_models[].trigger`, or its `condition`). A failure is
 * sent to the first later fallback whose trigger names it (`onRateLimit` a 429, `onTimeout` a
 * timeout, `errorCodes` its status), else to the first one that takes any error (`onError`, or
 * no trigger at all).
 */
export interface FallbackTrigger {
  /** Any failure. */
  readonly onError: boolean;
  /** HTTP 429. */
  readonly onRateLimit: boolean;
  /** An attempt that timed out. */
  readonly onTimeout: boolean;
  /** These HTTP statuses. */
  readonly errorCodes: readonly number[];
  /** The target before it has not answered (or, streamed, sent its first part) after this long: it is given up. */
  readonly latencyThresholdMs?: number;
  /** Retries the target before it gets, at most, before the chain moves here. */
  readonly maxRetries?: number;
}

/** One entry of `spec.llm.fallback_models`. */
export interface FallbackModel {
  readonly provider: string;
  readonly model?: string;
  /** Its own sampling settings; absent: the agent's. */
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** Absent: it takes over after any failure. */
  readonly trigger?: FallbackTrigger;
}

/** The model settings a manifest asks for; absent fields fall back to the config defaults. */
export interface AgentLlmSettings {
  /** A configured provider name or a provider type; `none` marks an agent without an LLM. */
  readonly provider?: string;
  readonly model?: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  /** `spec.llm.fallback_models`: tried in order when the agent's provider cannot answer. */
  readonly fallbackModels: readonly FallbackModel[];
  /** `spec.llm.retry_config`; absent: each provider's own retries. */
  readonly retry?: AgentRetryPolicy;
}

/** A tool a manifest declares: a name, what it does and, when given, the JSON Schema of its input. */
export interface AgentTool {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: JsonSchema;
}

/**
 * The vendor extensions the reference runtime reads (openstandardagents,
 * `src/services/runtime/anthropic.adapter.ts` and `openai.adapter.ts`): each applies to calls
 * to that vendor's providers, and wins over the `spec` value it replaces there.
 */
export interface AgentExtensions {
  /** `extensions.anthropic`: for providers of type `anthropic`. */
  readonly anthropic?: {
    readonly model?: string;
    /** Replaces the spec's system prompt. */
    readonly system?: string;
    readonly maxTokens?: number;
    readonly temperature?: number;
    readonly stopSequences?: readonly string[];
    /** Anthropic-format tools (`input_schema`), listed before `spec.tools` of other names. */
    readonly tools?: readonly AgentTool[];
  };
  /** `extensions.openai_agents`: for providers of type `openai`. */
  readonly openai?: {
    readonly model?: string;
    /** Replaces the spec's system prompt. */
    readonly instructions?: string;
  };
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
  readonly tools: readonly AgentTool[];
  /** `spec.tools` as written, positioned: what the tool kinds resolve into server tools at startup. Absent: none. */
  readonly toolEntries?: readonly ManifestToolEntry[];
  /** The tool loop's limits and approvals (absent: the defaults, see `readLoopSettings`). */
  readonly loop?: AgentLoopSettings;
  readonly extensions: AgentExtensions;
  /**
   * What loading the document warned about, each naming its field: a declared field the
   * gateway does not enforce (`spec.safety.content_filtering is not enforced by
   * ossa-gateway`), a description used as the prompt, ... (`GET /v1/agents/{name}` lists them).
   */
  readonly warnings: readonly string[];
  /** The key paths of the declared fields the gateway does not enforce (each also in `warnings`). */
  readonly unenforced: readonly string[];
  /** sha256 of the manifest document's canonical JSON: editing an agent changes it. */
  readonly contentHash: string;
  readonly source: { readonly file: string; readonly line: number; readonly document: number };
}
