import type { AgentDefinition, AgentTool, FallbackModel, FallbackTrigger } from '../agents/agent-definition.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import { providerKind } from '../providers/provider-kinds.js';
import type { ProviderType } from '../providers/provider.js';

/** Where a target's system prompt comes from: the spec's, or a vendor extension's. */
export type TargetPromptSource = AgentDefinition['systemPromptSource'] | 'extensions.anthropic.system' | 'extensions.openai_agents.instructions';

/** How one target of an agent's chain is called: the agent's settings as they apply to that provider. */
export interface TargetSettings {
  readonly provider: string;
  readonly type: ProviderType;
  readonly model: string;
  readonly systemPrompt: string;
  readonly systemPromptSource: TargetPromptSource;
  readonly temperature: number;
  readonly maxTokens: number;
  /** Stop sequences the manifest gives this vendor (`extensions.anthropic.stop_sequences`); a client's own replace them. */
  readonly stop?: readonly string[];
  /** The tools declared for this vendor (listed, not yet offered to the model). */
  readonly tools: readonly AgentTool[];
  /** A fallback's `trigger`: which failures it takes over. Absent: any. */
  readonly trigger?: FallbackTrigger;
}

/**
 * The settings of one target, each from the first of, in order:
 * - model: the fallback entry's, the vendor extension's (`extensions.anthropic.model` for an
 *   `anthropic` provider, `extensions.openai_agents.model` for an `openai` one), the
 *   manifest's (primary only), the provider's `model`, the primary's when of the same type,
 *   `default_model`;
 * - system prompt: the vendor extension's (`extensions.anthropic.system`,
 *   `extensions.openai_agents.instructions`), the spec's;
 * - temperature: the fallback entry's, `extensions.anthropic.temperature`, the manifest's,
 *   `default_temperature`;
 * - max tokens: the fallback entry's, `extensions.anthropic.max_tokens`, the manifest's,
 *   `providers.<name>.default_max_tokens`, the kind's default (`defaultMaxTokens`: 4096 for
 *   Anthropic, the reference runtime's),
 *   `default_max_tokens`.
 *
 * The extensions win over the spec, as the reference runtime reads them (its Anthropic and
 * OpenAI adapters check `manifest.extensions.<vendor>` first, then `spec`). Returns undefined
 * when no model can be found.
 */
export function targetSettings(
  agent: AgentDefinition,
  entry: ProviderEntry,
  config: OssaConfig,
  fallback?: { readonly model: FallbackModel; readonly primaryType: ProviderType; readonly primaryModel: string },
): TargetSettings | undefined {
  const anthropic = entry.type === 'anthropic' ? agent.extensions.anthropic : undefined;
  const openai = entry.type === 'openai' ? agent.extensions.openai : undefined;
  const vendorModel = anthropic?.model ?? openai?.model;
  // A kind with a model of its own (echo answers any) never borrows another's.
  const kindModel = providerKind(entry.type).defaultModel;
  const model = kindModel !== undefined
    ? (fallback ? fallback.model.model : agent.llm.model) ?? entry.config.model ?? kindModel
    : fallback
      ? fallback.model.model ?? vendorModel ?? entry.config.model ?? (fallback.primaryType === entry.type ? fallback.primaryModel : undefined) ?? config.default_model
      : vendorModel ?? agent.llm.model ?? entry.config.model ?? config.default_model;
  if (model === undefined) return undefined;

  const prompt: [string, TargetPromptSource] = anthropic?.system !== undefined
    ? [anthropic.system, 'extensions.anthropic.system']
    : openai?.instructions !== undefined
      ? [openai.instructions, 'extensions.openai_agents.instructions']
      : [agent.systemPrompt, agent.systemPromptSource];
  const stop = anthropic?.stopSequences;
  return {
    provider: entry.name,
    type: entry.type,
    model,
    systemPrompt: prompt[0],
    systemPromptSource: prompt[1],
    temperature: fallback?.model.temperature ?? anthropic?.temperature ?? agent.llm.temperature ?? config.default_temperature,
    maxTokens:
      fallback?.model.maxTokens ??
      anthropic?.maxTokens ??
      agent.llm.maxTokens ??
      entry.config.default_max_tokens ??
      providerKind(entry.type).defaultMaxTokens ??
      config.default_max_tokens,
    ...(stop ? { stop } : {}),
    // `agent.tools` lists the Anthropic extension's tools first: they are for Anthropic providers only.
    tools: anthropic ? agent.tools : agent.tools.filter((tool) => !agent.extensions.anthropic?.tools?.includes(tool)),
    ...(fallback?.model.trigger ? { trigger: fallback.model.trigger } : {}),
  };
}
