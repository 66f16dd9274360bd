import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import type { ToolHandler } from '../../src/tools/function/tool-handler.js';
import { corpusAgents, HAVE_CORPUS, type CorpusAgent } from '../support/ossa-corpus.js';

/** Agents of the corpus whose tools are all function tools a test can give handlers (MCP and http need servers), none waiting for approval. */
function functionToolAgents(): CorpusAgent[] {
  const seen = new Set<string>();
  return corpusAgents().filter(({ agent }) => {
    const entries = agent.toolEntries ?? [];
    const names = entries.map((e) => e.raw['name']);
    const ok = entries.length > 0
      && entries.every((e) => (e.raw['type'] ?? 'function') === 'function' && typeof e.raw['name'] === 'string' && /^[\w-]{1,64}$/.test(e.raw['name']))
      && new Set(names).size === names.length
      && !seen.has(agent.name)
      // A tool that waits for approval pauses the run (its own test covers that).
      && !waitsForApproval(agent.loop?.approvalRequired, names.map(String));
    if (ok) seen.add(agent.name);
    return ok;
  });
}

function waitsForApproval(approval: true | readonly string[] | undefined, names: readonly string[]): boolean {
  return approval === true || names.some((name) => approval?.includes(name) === true);
}

describe.skipIf(!HAVE_CORPUS)('corpus agents with function tools, through the whole loop', () => {
  it('runs every tool of at least 10 corpus agents: the model calls each, the handler gets schema-valid arguments, the answer uses the results', async () => {
    const agents = functionToolAgents();
    expect(agents.length).toBeGreaterThanOrEqual(10);
    const calls: { agent: string; tool: string; args: unknown }[] = [];
    const handlers: Record<string, ToolHandler> = {};
    for (const { agent } of agents) {
      for (const entry of agent.toolEntries ?? []) {
        const name = String(entry.raw['name']);
        handlers[name] = (args, context) => {
          calls.push({ agent: context.agent, tool: name, args });
          return { tool: name, ok: true };
        };
      }
    }
    // Every provider the agents name answers offline: the echo model calls the tools whose names the input holds.
    const providers = Object.fromEntries([...new Set(agents.map(({ agent }) => agent.llm.provider ?? 'echo'))].map((name) => [name, { type: 'echo' }]));
    const gateway = await createGateway({
      config: { manifest_paths: agents.map((a) => a.file), auto_discover: false, providers, rate_limit: { enabled: false }, cache: { enabled: false }, security: { audit_logging: false } },
      env: {},
      logger: createLogger({ level: 'silent' }),
      tools: handlers,
    });
    try {
      let ran = 0;
      for (const { agent } of agents) {
        const route = gateway.routes.get(agent.name);
        if (route?.unavailable !== undefined) continue;
        const names = (agent.toolEntries ?? []).map((e) => String(e.raw['name']));
        const answer = await gateway.execute(agent.name, `Please use ${names.join(' and ')}.`);
        const results = (answer.steps ?? []).filter((step) => step.role === 'tool');
        expect(results.map((r) => r.name), agent.name).toEqual(names);
        expect(results.filter((r) => r.role === 'tool' && r.is_error === true), agent.name).toEqual([]);
        expect(answer.finish_reason, agent.name).toBe('stop');
        ran += 1;
      }
      expect(ran).toBeGreaterThanOrEqual(10);
      expect(new Set(calls.map((c) => c.agent)).size).toBe(ran);
    } finally {
      await gateway.close();
    }
  }, 60_000);
});
