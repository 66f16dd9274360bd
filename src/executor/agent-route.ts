import type { AgentDefinition } from '../agents/agent-definition.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import { findProvider, type ProviderCatalog, type ProviderEntry } from '../providers/provider-catalog.js';
import { providerKind } from '../providers/provider-kinds.js';
import type { Provider } from '../providers/provider.js';

/** A provider and the model to ask it for. */
export interface RouteTarget {
  readonly provider: string;
  readonly model: string;
}

/**
 * What makes a route a pass-through model (`models.<id>` in ossa.yaml) rather than an agent:
 * its definition has no system prompt and no tools, and the client's system text, tools and
 * settings are sent as given.
 */
export interface PassThrough {
  /** `models.<id>.max_tokens`: the most tokens an answer may ask for. Absent: the client's value goes as given. */
  readonly maxTokens?: number;
}

/** How one agent (or pass-through model) reaches a model: resolved once at startup, then read on every request. */
export interface AgentRoute {
  readonly agent: AgentDefinition;
  /** What the manifest asked for, resolved against the config. */
  readonly primary: RouteTarget;
  /** Tried in order when the primary cannot answer: the manifest's `fallback_models`, else the provider's `fallback_providers`. */
  readonly fallbacks: readonly RouteTarget[];
  readonly temperature: number;
  readonly maxTokens: number;
  /**
   * The provider to call: the primary and its fallbacks, as composed at startup (disabled
   * targets included, so a call that finds none usable can name them). Absent only for an
   * agent without an LLM.
   */
  readonly provider?: Provider;
  /** The usable targets, in the order they will be tried. */
  readonly usable: readonly RouteTarget[];
  /** Why the agent cannot run (no LLM; every provider disabled). */
  readonly unavailable?: string;
  /** Set for a pass-through model: `agent` is its synthetic definition (empty prompt, no tools). */
  readonly passThrough?: PassThrough;
}

/**
 * Builds the `Provider` an agent calls from its whole chain, primary first; disabled targets
 * (no `entry.provider`) are included. The resilience layer chains them.
 */
export type RouteComposer = (targets: readonly { entry: ProviderEntry; model: string }[], agent: AgentDefinition) => Provider;

export interface RouteResolution {
  readonly routes: Map<string, AgentRoute>;
  /** Agents whose provider cannot be found at all: `serve` refuses to start. */
  readonly errors: SourceIssue[];
  readonly warnings: SourceIssue[];
}

/**
 * Resolves every agent's provider, model, temperature, max tokens and fallback chain against
 * the config. Fallback targets that are not configured are skipped with a warning; the
 * agent's own provider not being configured is an error naming the agent and the provider.
 */
export function resolveAgentRoutes(
  agents: readonly AgentDefinition[],
  config: OssaConfig,
  catalog: ProviderCatalog,
  compose: RouteComposer,
): RouteResolution {
  const routes = new Map<string, AgentRoute>();
  const errors: SourceIssue[] = [];
  const warnings: SourceIssue[] = [];

  for (const agent of agents) {
    const at = (message: string): SourceIssue => ({ file: agent.source.file, line: agent.source.line, path: 'spec.llm.provider', message });
    const temperature = agent.llm.temperature ?? config.default_temperature;
    const maxTokens = agent.llm.maxTokens ?? config.default_max_tokens;
    const wanted = agent.llm.provider ?? config.default_provider;

    if (wanted === 'none') {
      routes.set(agent.name, {
        agent, primary: { provider: 'none', model: 'none' }, fallbacks: [], temperature, maxTokens, usable: [],
        unavailable: 'its manifest declares no LLM (llm.provider: none)',
      });
      continue;
    }
    const found = findProvider(catalog, wanted);
    if ('error' in found) {
      errors.push(at(`agent "${agent.name}": ${found.error}`));
      continue;
    }
    const primaryModel = modelFor(found.entry, agent.llm.model, config, undefined);
    if (!primaryModel) {
      errors.push(at(`agent "${agent.name}": no model for provider "${found.entry.name}" (set spec.llm.model, providers.${found.entry.name}.model or default_model)`));
      continue;
    }
    const primary = { provider: found.entry.name, model: primaryModel };

    const fallbackTargets: { entry: ProviderEntry; model: string }[] = [];
    const requested = agent.llm.fallbackModels.length > 0
      ? agent.llm.fallbackModels
      : found.entry.config.circuit_breaker.fallback_providers.map((provider) => ({ provider, model: undefined }));
    for (const fallback of requested) {
      const fb = findProvider(catalog, fallback.provider);
      if ('error' in fb) {
        warnings.push(at(`agent "${agent.name}": fallback skipped: ${fb.error}`));
        continue;
      }
      const model = modelFor(fb.entry, fallback.model, config, found.entry.type === fb.entry.type ? primaryModel : undefined);
      if (!model) {
        warnings.push(at(`agent "${agent.name}": fallback "${fb.entry.name}" skipped: no model (set providers.${fb.entry.name}.model)`));
        continue;
      }
      if (fb.entry.name === primary.provider && model === primary.model) continue;
      fallbackTargets.push({ entry: fb.entry, model });
    }

    const chain = [{ entry: found.entry, model: primaryModel }, ...fallbackTargets];
    const usable = chain.filter((target) => target.entry.provider !== undefined);
    const route: AgentRoute = {
      agent,
      primary,
      fallbacks: fallbackTargets.map((t) => ({ provider: t.entry.name, model: t.model })),
      temperature,
      maxTokens,
      usable: usable.map((t) => ({ provider: t.entry.name, model: t.model })),
      provider: compose(chain, agent),
      ...(usable.length > 0
        ? {}
        : { unavailable: `no usable provider: ${chain.map((t) => `${t.entry.name} (${t.entry.disabledReason ?? 'disabled'})`).join(', ')}` }),
    };
    routes.set(agent.name, route);
  }
  return { routes, errors, warnings };
}

/** The model to ask a provider for: the one named, else the provider's own, else the agent's when the types match, else the defaults. */
function modelFor(entry: ProviderEntry, named: string | undefined, config: OssaConfig, sameTypeModel: string | undefined): string | undefined {
  // A kind with a model of its own (echo answers any) never borrows another's.
  const own = providerKind(entry.type).defaultModel;
  if (own !== undefined) return named ?? entry.config.model ?? own;
  return named ?? entry.config.model ?? sameTypeModel ?? config.default_model;
}
