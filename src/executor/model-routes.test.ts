import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { agentManifest } from '../../test/support/gateway-harness.js';
import { ScriptedProvider } from '../../test/support/scripted-provider.js';
import { tempDir } from '../../test/support/scratch-dir.js';
import { SourceError } from '../config/source-issue.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import { createGateway } from '../gateway.js';
import { AgentExecutor } from './agent-executor.js';
import type { AgentRoute } from './agent-route.js';

const silent = pino({ level: 'silent' });

describe('pass-through model routes', () => {
  it('refuses a model id that is also an agent name, pointing at both', async () => {
    const dir = tempDir({
      'ossa.yaml': 'ossa:\n  manifest_paths: [agents]\n  models:\n    fast: {provider: echo}\n    support: {provider: echo}\n',
      'agents/support.ossa.yaml': agentManifest('support'),
    });
    const error = await createGateway({ configPath: join(dir, 'ossa.yaml'), env: {}, logger: silent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).issues).toEqual([
      {
        file: join(dir, 'ossa.yaml'),
        line: 5,
        column: 5,
        path: 'models.support',
        message: `"support" is also the name of the agent at ${join(dir, 'agents/support.ossa.yaml')}:1: agents and pass-through models share one namespace`,
        hint: 'rename the model or the agent',
      },
    ]);
  });

  it('resolves a model like an agent, its model defaulting to the id, and serves it without any agent', async () => {
    const dir = tempDir({ 'ossa.yaml': 'ossa:\n  manifest_paths: []\n  models:\n    echo-1: {provider: echo, max_tokens: 64, temperature: 0.1}\n' });
    const gateway = await createGateway({ configPath: join(dir, 'ossa.yaml'), env: {}, logger: silent });
    try {
      const route = gateway.executor.route('echo-1')!;
      expect(route).toMatchObject({ primary: { provider: 'echo', model: 'echo-1' }, temperature: 0.1, maxTokens: 64, passThrough: { maxTokens: 64 } });
      expect(route.agent).toMatchObject({ name: 'echo-1', systemPrompt: '', systemPromptSource: 'none', tools: [] });
      expect(gateway.executor.agents()).toEqual([]);
      expect(gateway.executor.models().map((r) => r.agent.name)).toEqual(['echo-1']);
      // Served without agents: ready.
      const answer = await gateway.execute('echo-1', 'hello');
      expect(answer.output).toContain('hello');
    } finally {
      await gateway.close();
    }
  });
});

describe('the executor with a pass-through route', () => {
  function setup(passThrough: AgentRoute['passThrough']) {
    const provider = new ScriptedProvider('claude');
    const route: AgentRoute = {
      agent: { ...testAgent('fast'), systemPrompt: passThrough ? '' : 'You are fast.' },
      primary: { provider: 'claude', model: 'claude-x' }, fallbacks: [], temperature: 0.7, maxTokens: 1024, provider, usable: [{ provider: 'claude', model: 'claude-x' }],
      ...(passThrough ? { passThrough } : {}),
    };
    return { provider, executor: new AgentExecutor({ routes: new Map([['fast', route]]), events: new EventDispatcher(silent) }) };
  }

  it('sends the client system blocks as the whole system prompt, cache marks kept, and its max tokens as asked', async () => {
    const { provider, executor } = setup({});
    const blocks = [{ type: 'text' as const, text: 'You are Claude Code.', cacheControl: { type: 'ephemeral' as const } }, { type: 'text' as const, text: 'Be brief.' }];
    await executor.execute('fast', 'hi', {}, { requestId: 'r1', systemBlocks: blocks, instructions: 'ignored when blocks are set', maxTokens: 32_000, topP: 0.9, providerOptions: { anthropic: { beta: ['x-2025'] } } });
    expect(provider.calls[0]).toMatchObject({ system: blocks, maxTokens: 32_000, topP: 0.9, providerOptions: { anthropic: { beta: ['x-2025'] } } });
  });

  it('caps the max tokens at the model\'s own max_tokens when it has one', async () => {
    const { provider, executor } = setup({ maxTokens: 4096 });
    await executor.execute('fast', 'hi', {}, { requestId: 'r1', maxTokens: 32_000, instructions: 'Be brief.' });
    expect(provider.calls[0]).toMatchObject({ system: 'Be brief.', maxTokens: 4096 });
  });

  it('puts an agent\'s prompt first, before the client blocks, and keeps its max tokens', async () => {
    const { provider, executor } = setup(undefined);
    await executor.execute('fast', 'hi', {}, { requestId: 'r1', systemBlocks: [{ type: 'text', text: 'Be brief.' }], maxTokens: 32_000 });
    expect(provider.calls[0]).toMatchObject({ system: [{ type: 'text', text: 'You are fast.' }, { type: 'text', text: 'Be brief.' }], maxTokens: 1024 });
  });
});
