import type { Environment } from '../config/interpolate.js';
import { SourceError, type SourceIssue } from '../config/source-issue.js';
import type { AgentDefinition } from './agent-definition.js';
import { discoverManifests } from './discover-manifests.js';
import { loadManifestFile, mergeLoadResults, type ManifestLoadResult } from './load-manifest.js';

/** The agents the gateway serves, by name. Immutable once built. */
export class AgentRegistry {
  private readonly byName: ReadonlyMap<string, AgentDefinition>;

  constructor(agents: readonly AgentDefinition[]) {
    const map = new Map<string, AgentDefinition>();
    for (const agent of agents) {
      if (map.has(agent.name)) throw new SourceError('duplicate agent names', duplicateIssues([...map.values(), agent]));
      map.set(agent.name, agent);
    }
    this.byName = map;
  }

  /**
   * Reads every manifest under `paths`. Throws one `SourceError` listing every broken manifest
   * and every duplicate name at once, so a user fixes them all in one pass.
   */
  static load(paths: readonly string[], options: { autoDiscover: boolean; baseDir?: string; env?: Environment }): { registry: AgentRegistry; result: ManifestLoadResult } {
    const result = readManifests(paths, options);
    const errors = [...result.errors, ...duplicateIssues(result.agents)];
    if (errors.length > 0) {
      throw new SourceError(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the agent manifests`, errors);
    }
    return { registry: new AgentRegistry(result.agents), result };
  }

  get(name: string): AgentDefinition | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  list(): AgentDefinition[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get size(): number {
    return this.byName.size;
  }
}

/** Discovery plus loading, without throwing: what `validate` reports. */
export function readManifests(paths: readonly string[], options: { autoDiscover: boolean; baseDir?: string; env?: Environment }): ManifestLoadResult {
  const discovered = discoverManifests(paths, options.autoDiscover, options.baseDir);
  const result = mergeLoadResults(discovered.files.map((file) => loadManifestFile(file, options.env ?? process.env)));
  result.errors.unshift(...discovered.errors);
  result.warnings.unshift(...discovered.warnings);
  return result;
}

/** One issue per agent whose name an earlier agent already took. */
export function duplicateIssues(agents: readonly AgentDefinition[]): SourceIssue[] {
  const seen = new Map<string, AgentDefinition>();
  const issues: SourceIssue[] = [];
  for (const agent of agents) {
    const first = seen.get(agent.name);
    if (first) {
      issues.push({
        file: agent.source.file,
        line: agent.source.line,
        path: 'metadata.name',
        message: `duplicate agent name "${agent.name}": already defined at ${first.source.file}:${first.source.line}`,
      });
    } else {
      seen.set(agent.name, agent);
    }
  }
  return issues;
}
