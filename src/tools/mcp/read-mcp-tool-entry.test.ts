import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readMcpToolEntry } from './read-mcp-tool-entry.js';

const CORPUS = process.env['OSSA_EXAMPLES_DIR'] ?? path.resolve(import.meta.dirname, '../../../../shared/ossa-examples');

/** The `type: mcp` entries of a corpus manifest, as the loader hands them over. */
function mcpEntries(file: string): Record<string, unknown>[] {
  const text = readFileSync(path.join(CORPUS, file), 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as { spec?: { tools?: Record<string, unknown>[] } };
  return (doc.spec?.tools ?? []).filter((tool) => tool['type'] === 'mcp');
}

describe('readMcpToolEntry on corpus manifests', () => {
  it('reads server + capabilities as names (kagent compliance validator)', () => {
    const [first] = mcpEntries('examples_kagent_compliance-validator.ossa.yaml').map(readMcpToolEntry);
    expect(first).toMatchObject({ server: { name: 'kubernetes-mcp', key: 'server' }, pick: { kind: 'named', names: ['audit_rbac', 'check_network_policies', 'validate_encryption'] } });
  });

  it('reads capabilities given as mappings, with their descriptions (messaging incident responder: no server key)', () => {
    const [first] = mcpEntries('examples_messaging_incident-responder.ossa.yaml').map(readMcpToolEntry);
    expect(first!.server).toBeUndefined();
    expect(first!.pick).toMatchObject({ kind: 'named' });
    expect(first!.descriptions.get('create_incident')).toBe('Create a new incident ticket');
  });

  it('reads toolNames (kagent POC)', () => {
    const [first] = mcpEntries('examples_kagent_ossa-kagent-poc.ossa.yaml').map(readMcpToolEntry);
    expect(first).toMatchObject({ server: { name: 'kagent-tool-server' }, pick: { kind: 'named', names: ['k8s_get_resources', 'k8s_get_available_api_resources', 'k8s_describe_resource', 'k8s_get_pod_logs'] } });
  });

  it('reads one tool per entry by name (kagent troubleshooter)', () => {
    expect(mcpEntries('examples_kagent_k8s-troubleshooter-v1.ossa.yaml').map(readMcpToolEntry).map((entry) => entry.pick)).toEqual([
      { kind: 'name-or-all', name: 'diagnose_pod_failures' },
      { kind: 'name-or-all', name: 'analyze_resource_constraints' },
      { kind: 'name-or-all', name: 'check_network_connectivity' },
    ]);
  });

  it('reads config.server and config.timeout (reference pipeline fixer, langchain export)', () => {
    expect(mcpEntries('spec_reference_reference-agents_pipeline-fixer_manifest.ossa.yaml').map(readMcpToolEntry)[0]).toMatchObject({ server: { name: 'gitlab-mcp', key: 'config.server' } });
    expect(mcpEntries('examples_export_langchain_production-agent-with-tools_agent.ossa.yaml').map(readMcpToolEntry)[0]).toMatchObject({ server: { name: 'mcp-postgres-server' }, timeoutSeconds: 30 });
  });

  it('reads source.uri as server and tool (advanced reasoning agent)', () => {
    const text = readFileSync(path.join(CORPUS, 'examples_advanced_reasoning-agent.yaml'), 'utf8');
    const tools = ((parse(text) as { spec: { tools: Record<string, unknown>[] } }).spec.tools).filter((tool) => (tool['source'] as { type?: string } | undefined)?.type === 'mcp');
    expect(readMcpToolEntry(tools[0]!)).toMatchObject({ server: { name: 'kg-service', key: 'source.uri' }, pick: { kind: 'named', names: ['query'] } });
  });

  it('flags a server started from the manifest (getting started 04: config.server is a command line)', () => {
    expect(mcpEntries('examples_getting-started_04-agent-with-messaging.ossa.yaml').map(readMcpToolEntry)[0]).toMatchObject({ inlineServer: { key: 'config.server' } });
  });
});
