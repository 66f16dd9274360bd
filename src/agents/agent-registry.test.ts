import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testAgent } from '../../test/support/agent-definition.js';
import { tempDir } from '../../test/support/scratch-dir.js';
import { formatIssue, SourceError } from '../config/source-issue.js';
import { AgentRouteTable } from '../executor/agent-route-table.js';
import type { AgentRoute } from '../executor/agent-route.js';
import { agentId, compareVersionsDescending, parseAgentRef } from './agent-ref.js';
import { AgentRegistry, clashIssues, readManifests } from './agent-registry.js';

const versions = (...list: (string | null)[]) => list.map((version) => testAgent('support', { version, source: { file: `${version}.yaml`, line: 1, document: 0 } }));

describe('agent refs: name or name@version', () => {
  it('parses both forms and names each agent by its id', () => {
    expect(parseAgentRef('support')).toEqual({ name: 'support' });
    expect(parseAgentRef('support@1.2.0')).toEqual({ name: 'support', version: '1.2.0' });
    expect(agentId(testAgent('support', { version: '1.2.0' }))).toBe('support@1.2.0');
    expect(agentId(testAgent('support', { version: null }))).toBe('support');
  });

  it('orders versions newest first: numerically, a release before its pre-releases, any version before none', () => {
    const sorted = ['1.2.0', null, '1.10.0', 'v2', '1.10.0-rc.1', '1.9'].sort(compareVersionsDescending);
    expect(sorted).toEqual(['v2', '1.10.0', '1.10.0-rc.1', '1.9', '1.2.0', null]);
  });
});

describe('several versions of one agent', () => {
  it('serves them side by side: the bare name is the newest, name@version that one', () => {
    const registry = new AgentRegistry(versions('1.0.0', '2.1.0', '2.0.0'));
    expect(registry.get('support')!.version).toBe('2.1.0');
    expect(registry.get('support@1.0.0')!.version).toBe('1.0.0');
    expect(registry.get('support@v2.0.0')!.version).toBe('2.0.0');
    expect(registry.get('support@3.0.0')).toBeUndefined();
    expect(registry.list().map((a) => a.version)).toEqual(['2.1.0', '2.0.0', '1.0.0']);
    expect(registry.size).toBe(3);
  });

  it('refuses the same name and version twice, naming both places', () => {
    const agents = versions('1.0.0', '1.0.0');
    expect(clashIssues(agents).map(formatIssue)).toEqual([
      '1.0.0.yaml:1: metadata.name: agent "support" version 1.0.0 is already defined at 1.0.0.yaml:1 (give one a different metadata.version to serve both, or a different name)',
    ]);
    expect(() => new AgentRegistry(agents)).toThrow(SourceError);
    expect(clashIssues(versions(null, '1.0.0'))).toEqual([]);
  });

  it('routes every ref the way the registry resolves it, and lists each version once', () => {
    const route = (agent: ReturnType<typeof testAgent>): AgentRoute => ({ agent, primary: { provider: 'echo', model: 'echo' }, fallbacks: [], temperature: 0, maxTokens: 1, usable: [] });
    const table = new AgentRouteTable(new AgentRegistry(versions('1.0.0', '2.0.0', null)).list().map(route));
    expect(table.get('support')!.agent.version).toBe('2.0.0');
    expect(table.get('support@1.0.0')!.agent.version).toBe('1.0.0');
    expect(table.has('support@9')).toBe(false);
    expect(table.has('other')).toBe(false);
    expect([...table.keys()]).toEqual(['support@2.0.0', 'support@1.0.0', 'support']);
  });
});

describe('what auto_discover reads', () => {
  const dir = tempDir({}, 'ossa-discover-');
  writeFileSync(join(dir, 'support.yaml'), 'apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata: {name: support}\nspec: {role: R}\n');
  writeFileSync(join(dir, 'legacy.yml'), 'apiVersion: v0.3.0\nkind: Agent\nmetadata: {name: legacy}\nspec: {role: R}\n');
  writeFileSync(join(dir, 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n');
  writeFileSync(join(dir, 'kagent.yaml'), 'apiVersion: kagent.dev/v1alpha1\nkind: Agent\nmetadata: {name: k}\n');
  writeFileSync(join(dir, 'package.json'), '{"name": "app", "version": "1.0.0"}');
  writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: a\n  name: b\n');
  writeFileSync(join(dir, 'empty.ossa.yaml'), '');

  it('reads every .yaml/.yml/.json file holding an OSSA document, and skips the others saying why', () => {
    const result = readManifests([dir], { autoDiscover: true });
    expect(result.agents.map((a) => a.name).sort()).toEqual(['legacy', 'support']);
    expect(result.skippedFiles.map((s) => `${s.file.slice(dir.length + 1)}: ${s.reason}`)).toEqual([
      'deployment.yaml: apiVersion "apps/v1" is not an OSSA version (ossa/v...)',
      'kagent.yaml: apiVersion "kagent.dev/v1alpha1" is not an OSSA version (ossa/v...)',
      'package.json: no apiVersion or kind: not an OSSA manifest',
    ]);
    // An OSSA document with a YAML defect is read, and its defect reported; a file named *.ossa.* is a manifest whatever it holds.
    expect(result.errors.map((e) => `${e.file.slice(dir.length + 1)}: ${e.message}`)).toEqual([
      'broken.yaml: Map keys must be unique',
      'empty.ossa.yaml: the file is empty: expected an OSSA manifest',
    ]);
    expect(result.files.map((f) => f.slice(dir.length + 1))).toEqual(['broken.yaml', 'empty.ossa.yaml', 'legacy.yml', 'support.yaml']);
  });

  it('reads a listed file whatever its name or content holds, as before', () => {
    const result = readManifests([join(dir, 'deployment.yaml')], { autoDiscover: true });
    expect(result.skippedFiles).toEqual([]);
    expect(result.skipped).toEqual([{ file: join(dir, 'deployment.yaml'), document: 0, reason: 'kind Deployment is not Agent' }]);
  });
});
