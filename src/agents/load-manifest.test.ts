import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/scratch-dir.js';
import { formatIssue, SourceError } from '../config/source-issue.js';
import { AgentRegistry, readManifests } from './agent-registry.js';
import { loadManifestText } from './load-manifest.js';

const agent = (spec: string, metadata = 'name: helper\n  version: 1.0.0') =>
  `apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  ${metadata}\nspec:\n${spec}`;

describe('loading an OSSA manifest', () => {
  it('reads name, version, prompt and model settings', () => {
    const { agents, errors } = loadManifestText(
      agent('  role: You help.\n  llm:\n    provider: anthropic\n    model: claude-x\n    temperature: 0.2\n    maxTokens: 300\n'),
      'a.ossa.yaml',
    );
    expect(errors).toEqual([]);
    expect(agents[0]).toMatchObject({
      name: 'helper',
      version: '1.0.0',
      apiVersion: 'ossa/v0.4.6',
      systemPrompt: 'You help.',
      systemPromptSource: 'spec.role',
      llm: { provider: 'anthropic', model: 'claude-x', temperature: 0.2, maxTokens: 300, fallbackModels: [] },
      source: { file: 'a.ossa.yaml', line: 1, document: 0 },
    });
    expect(agents[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes the system prompt in order: role, prompts.system, instructions, system, description', () => {
    const prompt = (spec: string) => loadManifestText(agent(spec, 'name: a\n  description: Described.'), 'f.yaml');
    expect(prompt('  role: R\n  instructions: I\n').agents[0]!.systemPromptSource).toBe('spec.role');
    expect(prompt('  prompts:\n    system: P\n  instructions: I\n').agents[0]!.systemPrompt).toBe('P');
    expect(prompt('  prompts:\n    system:\n      template: Inline template text\n').agents[0]!.systemPrompt).toBe('Inline template text');
    expect(prompt('  instructions: I\n  system: S\n').agents[0]!.systemPromptSource).toBe('spec.instructions');
    expect(prompt('  system: S\n').agents[0]!.systemPromptSource).toBe('spec.system');
    const fromDescription = prompt('  tools: []\n');
    expect(fromDescription.agents[0]!.systemPrompt).toBe('Described.');
    expect(formatIssue(fromDescription.warnings[0]!)).toMatch(/^f\.yaml:5:16: metadata\.description: no spec\.role/);
  });

  it('reads a prompt template file relative to the manifest, and falls through when it is missing', () => {
    const dir = tempDir({}, 'ossa-prompt-');
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'system.md'), 'From the file.\n');
    const found = loadManifestText(agent('  prompts:\n    system:\n      template: prompts/system.md\n'), join(dir, 'a.ossa.yaml'));
    expect(found.agents[0]!.systemPrompt).toBe('From the file.');
    const missing = loadManifestText(agent('  prompts:\n    system:\n      template: prompts/absent.md\n  instructions: Fallback.\n'), join(dir, 'b.ossa.yaml'));
    expect(missing.agents[0]!.systemPrompt).toBe('Fallback.');
    expect(missing.warnings[0]!.message).toMatch(/template file prompts\/absent\.md not found/);
  });

  it('reads spec.model {provider, name, parameters} and local $ref', () => {
    const block = loadManifestText(agent('  role: R\n  model:\n    provider: openai\n    name: gpt-4o\n    parameters:\n      temperature: 1.5\n      max_tokens: 99\n'), 'f.yaml');
    expect(block.agents[0]!.llm).toMatchObject({ provider: 'openai', model: 'gpt-4o', temperature: 1.5, maxTokens: 99 });
    const ref = loadManifestText(
      `${agent('  role: R\n  model:\n    $ref: "#/components/models/fast"\n')}components:\n  models:\n    fast:\n      provider: anthropic\n      name: claude-haiku\n`,
      'f.yaml',
    );
    expect(ref.errors).toEqual([]);
    expect(ref.agents[0]!.llm).toMatchObject({ provider: 'anthropic', model: 'claude-haiku' });
  });

  it('resolves ${VAR:-default} in the model settings only, leaving other placeholders to their runtimes', () => {
    const text = agent('  role: "Run ${TOOL_CMD}"\n  llm:\n    provider: ${LLM_PROVIDER:-anthropic}\n    model: ${LLM_MODEL}\n    temperature: ${LLM_TEMP:-0.3}\n');
    const { agents, errors } = loadManifestText(text, 'f.yaml', { LLM_MODEL: 'claude-y' });
    expect(errors).toEqual([]);
    expect(agents[0]!.llm).toMatchObject({ provider: 'anthropic', model: 'claude-y', temperature: 0.3 });
    expect(agents[0]!.systemPrompt).toBe('Run ${TOOL_CMD}');
    const unset = loadManifestText(text, 'f.yaml', {});
    expect(unset.errors.map(formatIssue)).toEqual([
      'f.yaml:10:12: spec.llm.model: environment variable LLM_MODEL is not set and the placeholder has no default (write ${LLM_MODEL:-default})',
    ]);
  });

  it('reports every broken key with file:line:column, key path and reason', () => {
    const { agents, errors } = loadManifestText(
      'apiVersion: ossa/v9\nkind: Agent\nmetadata:\n  name: Bad_Name\n  version: latest\nspec:\n  role: R\n  llm:\n    temperature: 3\n    maxTokens: 0\n',
      'broken.yaml',
    );
    expect(agents).toEqual([]);
    expect(errors.map(formatIssue)).toEqual([
      'broken.yaml:1:13: apiVersion: apiVersion "ossa/v9" is not supported (expected ossa/v0.2.2 through ossa/v0.5.x, or ossa/v1)',
      'broken.yaml:4:9: metadata.name: "Bad_Name" is not a DNS-1123 name (lowercase letters, digits and "-", at most 63, starting and ending alphanumeric) (did you mean "bad-name"?)',
      'broken.yaml:5:12: metadata.version: expected a version such as 1.0.0, got "latest"',
      'broken.yaml:9:18: spec.llm.temperature: expected a number between 0 and 2, got 3',
      'broken.yaml:10:16: spec.llm.maxTokens: expected a whole number >= 1, got 0',
    ]);
  });

  it('accepts the apiVersions ossa/v0.2.2 through v0.5.x and v1', () => {
    for (const version of ['ossa/v0.2.2', 'ossa/v0.3.5', 'ossa/v0.4', 'ossa/v0.5.1', 'ossa/v1', 'ossa/v1.0.0']) {
      expect(loadManifestText(agent('  role: R\n').replace('ossa/v0.4.6', version), 'f').errors, version).toEqual([]);
    }
    for (const version of ['ossa/v0.2.1', 'ossa/v0.6.0', 'ossa/v2', 'agents/v1']) {
      expect(loadManifestText(agent('  role: R\n').replace('ossa/v0.4.6', version), 'f').errors, version).toHaveLength(1);
    }
  });

  it('reads several documents of one file, skipping those that are not agents', () => {
    const text = `${agent('  role: R\n', 'name: one')}\n---\napiVersion: ossa/v0.4.6\nkind: Workflow\nmetadata:\n  name: flow\n---\n${agent('  role: R\n', 'name: two')}`;
    const result = loadManifestText(text, 'multi.yaml');
    expect(result.agents.map((a) => [a.name, a.source.line])).toEqual([['one', 1], ['two', 14]]);
    expect(result.skipped).toEqual([{ file: 'multi.yaml', document: 1, reason: 'kind Workflow is not Agent' }]);
  });

  it('skips a document whose kind is a mapping that cannot be printed, instead of throwing (found by fuzzing)', () => {
    const result = loadManifestText('apiVersion: ossa/v0.4.6\nkind: {toString: ""}\nmetadata: {name: a}\n', 'odd.yaml');
    expect(result.skipped).toEqual([{ file: 'odd.yaml', document: 0, reason: 'kind a mapping is not Agent' }]);
  });

  it('refuses an alias that contains itself instead of overflowing the stack (found by fuzzing)', () => {
    const result = loadManifestText('apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata: {name: a}\nspec:\n  role: x\nx: &a [*a]\n', 'loop.yaml');
    expect(result.agents).toEqual([]);
    expect(result.errors).toEqual([{ file: 'loop.yaml', line: 1, column: 1, message: 'cannot expand the document: an alias refers to a node that contains it (&a [*a])' }]);
  });

  it('says a manifest is nested too deeply, at a position, rather than quoting V8 (found by fuzzing)', () => {
    const result = loadManifestText(`apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata: {name: a}\nspec:\n  role: x\n  tools: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'deep.yaml');
    expect(result.errors).toEqual([expect.objectContaining({ file: 'deep.yaml', line: 6, message: 'nested too deeply (thousands of levels of [ or {)' })]);
  });

  it('refuses a YAML alias bomb quickly instead of expanding it', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const started = Date.now();
    const result = loadManifestText(`${bomb.join('\n')}\n`, 'bomb.yaml');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.errors[0]!.message).toMatch(/cannot expand the document: .*alias/i);
  });

  it('treats llm.provider: none as an agent without an LLM', () => {
    const { agents } = loadManifestText(agent('  role: R\n  llm:\n    provider: none\n'), 'f');
    expect(agents[0]!.llm.provider).toBe('none');
  });
});

describe('the agent registry', () => {
  const dir = tempDir({}, 'ossa-registry-');
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'one.ossa.yaml'), agent('  role: R\n', 'name: one'));
  writeFileSync(join(dir, 'nested', 'two.ossa.json'), JSON.stringify({ apiVersion: 'ossa/v0.5', kind: 'Agent', metadata: { name: 'two' }, spec: { role: 'R' } }));
  writeFileSync(join(dir, 'notes.yaml'), 'not: a manifest\n');

  it('discovers *.ossa.yaml|yml|json recursively when auto_discover is on', () => {
    const { registry } = AgentRegistry.load([dir], { autoDiscover: true });
    expect(registry.list().map((a) => a.name)).toEqual(['one', 'two']);
    expect(registry.get('two')!.version).toBeNull();
  });

  it('reads only listed files when auto_discover is off', () => {
    const result = readManifests([dir, join(dir, 'one.ossa.yaml')], { autoDiscover: false });
    expect(result.agents.map((a) => a.name)).toEqual(['one']);
    expect(result.warnings[0]!.message).toMatch(/auto_discover is off/);
  });

  it('lists every broken manifest and every clash of name and version at once', () => {
    const bad = tempDir({}, 'ossa-bad-');
    writeFileSync(join(bad, 'a.ossa.yaml'), agent('  role: R\n', 'name: same'));
    writeFileSync(join(bad, 'b.ossa.yaml'), agent('  role: R\n', 'name: same'));
    writeFileSync(join(bad, 'c.ossa.yaml'), agent('  llm:\n    temperature: hot\n', 'name: c'));
    let thrown: unknown;
    try {
      AgentRegistry.load([bad, join(bad, 'missing.ossa.yaml')], { autoDiscover: true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SourceError);
    const lines = (thrown as SourceError).issues.map(formatIssue);
    expect(lines).toEqual([
      `${join(bad, 'missing.ossa.yaml')}: manifest path does not exist (listed in manifest_paths)`,
      `${join(bad, 'c.ossa.yaml')}:5:1: spec: no system prompt: set spec.role (or spec.prompts.system, spec.instructions, spec.system, metadata.description)`,
      `${join(bad, 'c.ossa.yaml')}:7:18: spec.llm.temperature: expected a number between 0 and 2, got "hot"`,
      `${join(bad, 'b.ossa.yaml')}:1: metadata.name: agent "same" (no version) is already defined at ${join(bad, 'a.ossa.yaml')}:1 (give one a different metadata.version to serve both, or a different name)`,
    ]);
  });
});
