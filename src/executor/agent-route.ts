import type { AgentDefinition, AgentRetryPolicy } from '../agents/agent-definition.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import { findProvider, type ProviderCatalog, type ProviderEntry } from '../providers/provider-catalog.js';
import type { ModelCall, Provider } from '../providers/provider.js';
import type { DeclaredTool } from '../tools/resolve-agent-tools.js';
import type { ToolSource } from '../tools/server-tool.js';
import { AgentRouteTable } from './agent-route-table.js';
import { targetCallShaper } from './target-call.js';
import { targetSettings, type TargetSettings } from './target-settings.js';

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
  /** Of the first usable target (the primary's when none is): what a call starts from. */
  readonly temperature: number;
  readonly maxTokens: number;
  /** The system prompt of the first usable target (a vendor extension's may replace the spec's). */
  readonly systemPrompt?: string;
  /** The manifest's `topP` and penalties: every target is asked with them. */
  readonly topP?: number;
  readonly frequencyPenalty?: number;
  readonly presencePenalty?: number;
  /** `spec.llm.retry_config`: replaces the retries of every provider of the chain for this agent. */
  readonly retry?: AgentRetryPolicy;
  /** Each target of the chain as it is called, primary first, disabled ones included. */
  readonly targets?: readonly TargetSettings[];
  /** The agent's load warnings and what resolving its route warned about (a fallback skipped). */
  readonly warnings?: readonly string[];
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
  /** The agent's server tools (`spec.tools` resolved by the tool kinds): a route with any runs the agent loop. */
  readonly serverTools?: readonly ToolSource[];
  /** Each declared tool and whether it runs (`GET /v1/agents/{name}`, `validate`). */
  readonly declaredTools?: readonly DeclaredTool[];
  /** Set for a pass-through model: `agent` is its synthetic definition (empty prompt, no tools). */
  readonly passThrough?: PassThrough;
}

/** One target of a chain for the composer: the configured provider and how this agent calls it. */
export interface ComposedTarget {
  readonly entry: ProviderEntry;
  readonly model: string;
  readonly settings: TargetSettings;
  /** Adapts the executor's call to this target (its own prompt, sampling, stop); absent: the call as it is. */
  readonly shape?: (call: ModelCall) => ModelCall;
}

/**
 * Builds the `Provider` an agent calls from its whole chain, primary first; disabled targets
 * (no `entry.provider`) are included. The resilience layer chains them; `route` has the
 * agent-level settings (its retry policy, and the prompt and sampling the executor builds
 * calls with, which each target's settings then replace).
 */
export type RouteComposer = (targets: readonly ComposedTarget[], agent: AgentDefinition, route: Pick<AgentRoute, 'systemPrompt' | 'temperature' | 'maxTokens' | 'retry'>) => Provider;

export interface RouteResolution {
  readonly routes: AgentRouteTable;
  /** Agents whose provider cannot be found at all: `serve` refuses to start. */
  readonly errors: SourceIssue[];
  readonly warnings: SourceIssue[];
}

/**
 * Resolves every agent's provider, model, sampling settings, prompt and fallback chain against
 * the config (each target's settings by `targetSettings`). Fallback targets that are not
 * configured are skipped with a warning; the agent's own provider not being configured is an
 * error naming the agent and the provider. `agents` in the registry's order (newest version
 * of each name first).
 */
export function resolveAgentRoutes(
  agents: readonly AgentDefinition[],
  config: OssaConfig,
  catalog: ProviderCatalog,
  compose: RouteComposer,
): RouteResolution {
  const routes = new AgentRouteTable();
  const errors: SourceIssue[] = [];
  const warnings: SourceIssue[] = [];

  for (const agent of agents) {
    const routeWarnings: string[] = [];
    const at = (message: string): SourceIssue => ({ file: agent.source.file, line: agent.source.line, path: 'spec.llm.provider', message });
    const warn = (message: string): void => {
      warnings.push(at(`agent "${agent.name}": ${message}`));
      routeWarnings.push(`spec.llm.fallback_models: ${message}`);
    };
    const sampling = {
      ...(agent.llm.topP !== undefined ? { topP: agent.llm.topP } : {}),
      ...(agent.llm.frequencyPenalty !== undefined ? { frequencyPenalty: agent.llm.frequencyPenalty } : {}),
      ...(agent.llm.presencePenalty !== undefined ? { presencePenalty: agent.llm.presencePenalty } : {}),
      ...(agent.llm.retry ? { retry: agent.llm.retry } : {}),
    };
    const wanted = agent.llm.provider ?? config.default_provider;

    if (wanted === 'none') {
      routes.add({
        agent, primary: { provider: 'none', model: 'none' }, fallbacks: [], usable: [], ...sampling,
        temperature: agent.llm.temperature ?? config.default_temperature,
        maxTokens: agent.llm.maxTokens ?? config.default_max_tokens,
        warnings: agent.warnings,
        unavailable: 'its manifest declares no LLM (llm.provider: none)',
      });
      continue;
    }
    const found = findProvider(catalog, wanted);
    if ('error' in found) {
      errors.push(at(`agent "${agent.name}": ${found.error}`));
      continue;
    }
    const primarySettings = targetSettings(agent, found.entry, config);
    if (!primarySettings) {
      errors.push(at(`agent "${agent.name}": no model for provider "${found.entry.name}" (set spec.llm.model, providers.${found.entry.name}.model or default_model)`));
      continue;
    }
    const primary = { provider: found.entry.name, model: primarySettings.model };

    const chain: ComposedTarget[] = [{ entry: found.entry, model: primary.model, settings: primarySettings }];
    const requested = agent.llm.fallbackModels.length > 0
      ? agent.llm.fallbackModels
      : found.entry.config.circuit_breaker.fallback_providers.map((provider) => ({ provider }));
    for (const fallback of requested) {
      const fb = findProvider(catalog, fallback.provider);
      if ('error' in fb) {
        warn(`fallback skipped: ${fb.error}`);
        continue;
      }
      const settings = targetSettings(agent, fb.entry, config, { model: fallback, primaryType: found.entry.type, primaryModel: primary.model });
      if (!settings) {
        warn(`fallback "${fb.entry.name}" skipped: no model (set providers.${fb.entry.name}.model)`);
        continue;
      }
      if (fb.entry.name === primary.provider && settings.model === primary.model) continue;
      chain.push({ entry: fb.entry, model: settings.model, settings });
    }

    const usable = chain.filter((target) => target.entry.provider !== undefined);
    const first = (usable[0] ?? chain[0]!).settings;
    const routeSettings = { systemPrompt: first.systemPrompt, temperature: first.temperature, maxTokens: first.maxTokens, ...sampling };
    routes.add({
      agent,
      primary,
      fallbacks: chain.slice(1).map((t) => ({ provider: t.entry.name, model: t.model })),
      ...routeSettings,
      targets: chain.map((t) => t.settings),
      warnings: [...agent.warnings, ...routeWarnings],
      usable: usable.map((t) => ({ provider: t.entry.name, model: t.model })),
      provider: compose(chain.map((t) => withShape(t, targetCallShaper(t.settings, routeSettings))), agent, routeSettings),
      ...(usable.length > 0
        ? {}
        : { unavailable: `no usable provider: ${chain.map((t) => `${t.entry.name} (${t.entry.disabledReason ?? 'disabled'})`).join(', ')}` }),
    });
  }
  return { routes, errors, warnings };
}

function withShape(target: ComposedTarget, shape: ComposedTarget['shape']): ComposedTarget {
  return shape ? { ...target, shape } : target;
}

/** Why the route cannot run at all (no LLM, a tool that cannot run); undefined: it runs (a disabled provider fails at the call, naming it). */
export function whyRouteCannotRun(route: AgentRoute): string | undefined {
  if (!route.provider) return route.unavailable ?? 'no usable provider';
  if (route.declaredTools?.some((tool) => tool.problem !== undefined)) return route.unavailable ?? 'a tool cannot run';
  return undefined;
}
