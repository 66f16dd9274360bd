import { AgentRouteTable } from './agent-route-table.js';
import { hash } from 'node:crypto';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { OssaConfig, PassThroughModelConfig } from '../config/ossa-config.js';
import type { SourceIssue } from '../config/source-issue.js';
import type { ProviderCatalog } from '../providers/provider-catalog.js';
import { canonicalJson } from '../util/canonical-json.js';
import { resolveAgentRoutes, type AgentRoute, type RouteComposer, type RouteResolution } from './agent-route.js';

/** Where a model's problems are reported: the config file, and a key path's line in it when known. */
export interface ModelSource {
  readonly file: string;
  readonly locate?: (path: readonly (string | number)[]) => { readonly line?: number; readonly column?: number };
}

/**
 * The routes of the pass-through models (`models.<id>`), resolved like agents' (provider,
 * model, fallbacks, the same composed chains): each is an `AgentRoute` whose definition is
 * synthetic (the id as its name, no system prompt, no tools, no manifest limits) and which
 * carries `passThrough`. The rate limiter, the cache, the audit log and the metrics then treat
 * a model like an agent of that name. One namespace: an id that is also an agent's name is an
 * error pointing at both.
 *
 * @example
 * const models = resolveModelRoutes(config, agents, catalog, fallbackChain({ events }), { file: 'ossa.yaml' });
 */
export function resolveModelRoutes(
  config: OssaConfig,
  agents: readonly AgentDefinition[],
  catalog: ProviderCatalog,
  compose: RouteComposer,
  source: ModelSource,
): RouteResolution {
  const byName = new Map(agents.map((agent) => [agent.name, agent]));
  const errors: SourceIssue[] = [];
  const definitions: AgentDefinition[] = [];
  for (const [id, model] of Object.entries(config.models)) {
    const position = source.locate?.(['models', id]) ?? {};
    const agent = byName.get(id);
    if (agent) {
      errors.push({
        file: source.file,
        ...position,
        path: `models.${id}`,
        message: `"${id}" is also the name of the agent at ${agent.source.file}:${agent.source.line}: agents and pass-through models share one namespace`,
        hint: 'rename the model or the agent',
      });
      continue;
    }
    definitions.push(passThroughDefinition(id, model, source.file, position.line ?? 0));
  }
  const resolved = resolveAgentRoutes(definitions, config, catalog, compose);
  const routes = new AgentRouteTable();
  for (const [id, route] of resolved.routes) {
    const ceiling = config.models[id]?.max_tokens;
    routes.add({ ...route, passThrough: ceiling === undefined ? {} : { maxTokens: ceiling } });
  }
  // The agents' resolver words its findings for a manifest: said here of the model's config entry.
  const ofModel = (issue: SourceIssue): SourceIssue => {
    const id = /^agent "([^"]+)"/.exec(issue.message)?.[1] ?? '';
    return { ...issue, path: `models.${id}`, message: issue.message.replace(/^agent "/, 'model "') };
  };
  return { routes, errors: [...errors, ...resolved.errors.map(ofModel)], warnings: resolved.warnings.map(ofModel) };
}

/**
 * A model's synthetic definition: `llm` from its config (the model defaults to the id), an
 * empty system prompt, no tools; `contentHash` is the hash of its config entry, so editing the
 * entry retires its cached answers as editing a manifest does an agent's.
 */
export function passThroughDefinition(id: string, model: PassThroughModelConfig, file: string, line: number): AgentDefinition {
  const wanted = model.model ?? id;
  return {
    name: id,
    version: null,
    description: `pass-through model: ${model.provider} ${wanted}`,
    apiVersion: 'ossa-gateway/model',
    systemPrompt: '',
    systemPromptSource: 'none',
    llm: {
      provider: model.provider,
      model: wanted,
      ...(model.temperature !== undefined ? { temperature: model.temperature } : {}),
      ...(model.max_tokens !== undefined ? { maxTokens: model.max_tokens } : {}),
      fallbackModels: (model.fallback ?? []).map((fallback) => ({ provider: fallback.provider, ...(fallback.model !== undefined ? { model: fallback.model } : {}) })),
    },
    tools: [],
    extensions: {},
    warnings: [],
    unenforced: [],
    contentHash: hash('sha256', canonicalJson({ model: id, ...model }), 'hex'),
    source: { file, line, document: 0 },
  };
}
