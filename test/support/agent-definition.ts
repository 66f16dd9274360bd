import type { AgentDefinition } from '../../src/agents/agent-definition.js';

/** An `AgentDefinition` as the registry would build it, for unit tests that need no manifest file. */
export function testAgent(name: string, overrides: Partial<AgentDefinition> = {}): AgentDefinition {
  return {
    name,
    version: '1.0.0',
    description: `Test agent ${name}`,
    apiVersion: 'ossa/v0.4.6',
    systemPrompt: `You are ${name}.`,
    systemPromptSource: 'spec.role',
    llm: { fallbackModels: [] },
    tools: [],
    extensions: {},
    warnings: [],
    unenforced: [],
    contentHash: `hash-of-${name}`,
    source: { file: `${name}.ossa.yaml`, line: 1, document: 0 },
    ...overrides,
  };
}
