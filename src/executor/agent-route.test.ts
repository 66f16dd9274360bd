import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { findCorpusAgent, HAVE_CORPUS } from '../../test/support/ossa-corpus.js';
import { httpError, ScriptedProvider } from '../../test/support/scripted-provider.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import { loadManifestText } from '../agents/load-manifest.js';
import { normalizeConfig } from '../config/load-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import type { ProviderEntry } from '../providers/provider-catalog.js';
import { systemText } from '../providers/provider.js';
import { fallbackChain } from '../resilience/fallback-chain-provider.js';
import { AgentExecutor } from './agent-executor.js';
import type { ExecuteOptions } from './agent-response.js';
import { resolveAgentRoutes } from './agent-route.js';

/**
 * Routes resolved from manifests against scripted providers: the `ModelCall` each target
 * receives (what the adapters then put on the wire).
 */
function serve(agents: AgentDefinition[], providers: Record<string, Record<string, unknown>> = {}) {
  const { config } = normalizeConfig({ ossa: { providers } }, { env: {} });
  const events = new EventDispatcher(pino({ level: 'silent' }));
  const scripted = new Map<string, ScriptedProvider>();
  const catalog = new Map<string, ProviderEntry>();
  for (const [name, provider] of Object.entries(config.providers)) {
    const p = new ScriptedProvider(name, [], provider.type);
    scripted.set(name, p);
    catalog.set(name, { name, type: provider.type, config: provider, provider: p });
  }
  const resolution = resolveAgentRoutes(agents, config, catalog, fallbackChain({ events }));
  expect(resolution.errors).toEqual([]);
  const executor = new AgentExecutor({ routes: resolution.routes, events });
  const run = (agent: string, options: Partial<ExecuteOptions> = {}) => executor.execute(agent, 'Hello', { tier: 'gold' }, { requestId: 'r-1', ...options });
  return { scripted, run, routes: resolution.routes };
}

const manifest = (body: string) => {
  const { agents, errors } = loadManifestText(`apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: helper\n  version: 1.0.0\n${body}`, 'm.ossa.yaml', {});
  expect(errors).toEqual([]);
  return agents[0]!;
};
const PROVIDERS = { anthropic: { type: 'anthropic' }, openai: { type: 'openai' }, echo: { type: 'echo' } };

describe('what each target of a chain is asked', () => {
  it.skipIf(!HAVE_CORPUS)('passes a corpus agent\'s topP to the provider', async () => {
    const { agent } = findCorpusAgent('llm.topP', (a) => a.llm.topP !== undefined && a.llm.provider === 'openai');
    const { scripted, run } = serve([agent], PROVIDERS);
    await run(agent.name);
    expect(scripted.get('openai')!.calls[0]).toMatchObject({ topP: agent.llm.topP, model: agent.llm.model });
  });

  it('passes the penalties too, and leaves them out when the manifest has none', async () => {
    const { scripted, run } = serve([manifest('spec:\n  role: R\n  llm: { provider: openai, model: gpt-4o, frequency_penalty: 0.5, presencePenalty: -0.25 }\n')], PROVIDERS);
    await run('helper');
    expect(scripted.get('openai')!.calls[0]).toMatchObject({ frequencyPenalty: 0.5, presencePenalty: -0.25 });
    expect(scripted.get('openai')!.calls[0]!.topP).toBeUndefined();
  });

  it('asks each target with its vendor extension\'s prompt, model, max tokens and stop sequences, the context kept', async () => {
    const agent = manifest(`spec:
  role: Spec prompt.
  llm:
    provider: anthropic
    model: claude-spec
    maxTokens: 900
    fallback_models:
      - { provider: openai }
      - { provider: echo, temperature: 0.1, maxTokens: 50 }
extensions:
  anthropic: { model: claude-ext, system: Anthropic prompt., max_tokens: 2000, stop_sequences: ["END"] }
  openai_agents: { model: gpt-ext, instructions: OpenAI instructions. }
`);
    const { scripted, run, routes } = serve([agent], PROVIDERS);
    scripted.get('anthropic')!.script({ kind: 'fail', error: httpError('anthropic', 400) });
    scripted.get('openai')!.script({ kind: 'fail', error: httpError('openai', 400) });
    expect(await run('helper', { instructions: 'Be brief.' })).toMatchObject({ provider: 'echo' });
    const [claude, gpt, echo] = ['anthropic', 'openai', 'echo'].map((name) => scripted.get(name)!.calls[0]!);
    expect(claude).toMatchObject({ model: 'claude-ext', maxTokens: 2000, stop: ['END'] });
    expect(systemText(claude!.system)).toBe('Anthropic prompt.\n\nBe brief.\n\nContext:\ntier: gold');
    expect(gpt).toMatchObject({ model: 'gpt-ext', maxTokens: 900 });
    expect(gpt!.stop).toBeUndefined();
    expect(systemText(gpt!.system)).toBe('OpenAI instructions.\n\nBe brief.\n\nContext:\ntier: gold');
    expect(echo).toMatchObject({ temperature: 0.1, maxTokens: 50 });
    expect(systemText(echo!.system)).toBe('Spec prompt.\n\nBe brief.\n\nContext:\ntier: gold');
    expect(routes.get('helper')!.targets!.map((t) => t.systemPromptSource)).toEqual(['extensions.anthropic.system', 'extensions.openai_agents.instructions', 'spec.role']);
  });

  it('keeps what the client asked for over a fallback\'s own settings, max tokens never above the target\'s', async () => {
    const agent = manifest('spec:\n  role: R\n  llm:\n    provider: anthropic\n    model: claude-x\n    maxTokens: 1000\n    fallback_models:\n      - { provider: openai, model: gpt-4o, temperature: 0.1, maxTokens: 100 }\n');
    const { scripted, run } = serve([agent], PROVIDERS);
    scripted.get('anthropic')!.script({ kind: 'fail', error: httpError('anthropic', 400) }, { kind: 'fail', error: httpError('anthropic', 400) });
    await run('helper', { temperature: 0.9, maxTokens: 500 });
    expect(scripted.get('anthropic')!.calls[0]).toMatchObject({ temperature: 0.9, maxTokens: 500 });
    expect(scripted.get('openai')!.calls[0]).toMatchObject({ temperature: 0.9, maxTokens: 100 });
    await run('helper', { maxTokens: 50 });
    expect(scripted.get('openai')!.calls[1]).toMatchObject({ temperature: 0.1, maxTokens: 50 });
  });

  it('defaults max tokens per provider: providers.<name>.default_max_tokens, else 4096 for Anthropic, else default_max_tokens', () => {
    const agents = [manifest('spec:\n  role: R\n  llm: { provider: anthropic, model: claude-x }\n')];
    const maxTokens = (providers: Record<string, Record<string, unknown>>, agent = agents) => serve(agent, providers).routes.get('helper')!.maxTokens;
    expect(maxTokens({ anthropic: { type: 'anthropic' } })).toBe(4096);
    expect(maxTokens({ anthropic: { type: 'anthropic', default_max_tokens: 2048 } })).toBe(2048);
    expect(maxTokens({ openai: { type: 'openai' } }, [manifest('spec:\n  role: R\n  llm: { provider: openai, model: gpt-4o }\n')])).toBe(1024);
  });
});
