import type { Environment } from '../config/interpolate.js';
import { SourceError, type SourceIssue } from '../config/source-issue.js';
import type { AgentDefinition } from './agent-definition.js';
import { agentId, compareVersionsDescending, parseAgentRef, sameVersion } from './agent-ref.js';
import { discoverManifests } from './discover-manifests.js';
import { loadManifestFile, mergeLoadResults, type ManifestLoadResult } from './load-manifest.js';
import type { OssaSchemaSet } from './ossa-schema-set.js';

/** Where to read manifests from, and how. */
export interface ReadManifestsOptions {
  readonly autoDiscover: boolean;
  readonly baseDir?: string;
  readonly env?: Environment;
  /** Check every OSSA document against the official schema of its apiVersion too. */
  readonly schemas?: OssaSchemaSet;
}

/**
 * The agents the gateway serves. Several versions of one name may be served side by side:
 * `get('support')` is the newest, `get('support@1.0.0')` that version. Immutable once built.
 */
export class AgentRegistry {
  /** Each name's versions, newest first. */
  private readonly byName: ReadonlyMap<string, readonly AgentDefinition[]>;

  /** Throws a `SourceError` when two agents have the same name and version. */
  constructor(agents: readonly AgentDefinition[]) {
    const clashes = clashIssues(agents);
    if (clashes.length > 0) throw new SourceError('agents defined twice (same name and version)', clashes);
    const map = new Map<string, AgentDefinition[]>();
    for (const agent of agents) map.set(agent.name, [...(map.get(agent.name) ?? []), agent]);
    for (const versions of map.values()) versions.sort((a, b) => compareVersionsDescending(a.version, b.version));
    this.byName = map;
  }

  /**
   * Reads every manifest under `paths`. Throws one `SourceError` listing every broken manifest
   * and every clash (same name and version) at once, so a user fixes them all in one pass.
   */
  static load(paths: readonly string[], options: ReadManifestsOptions): { registry: AgentRegistry; result: ManifestLoadResult } {
    const result = readManifests(paths, options);
    const errors = [...result.errors, ...clashIssues(result.agents)];
    if (errors.length > 0) {
      throw new SourceError(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the agent manifests`, errors);
    }
    return { registry: new AgentRegistry(result.agents), result };
  }

  /** `name` (its newest version) or `name@version`. */
  get(ref: string): AgentDefinition | undefined {
    const { name, version } = parseAgentRef(ref);
    const versions = this.byName.get(name);
    if (!versions) return undefined;
    return version === undefined ? versions[0] : versions.find((agent) => sameVersion(agent.version, version));
  }

  has(ref: string): boolean {
    return this.get(ref) !== undefined;
  }

  /** Every agent, every version: by name, newest version first. */
  list(): AgentDefinition[] {
    return [...this.byName.keys()].sort((a, b) => a.localeCompare(b)).flatMap((name) => this.byName.get(name)!);
  }

  /** The versions served under `name`, newest first (empty when none). */
  versions(name: string): readonly AgentDefinition[] {
    return this.byName.get(name) ?? [];
  }

  /** Agents, every version counted. */
  get size(): number {
    let size = 0;
    for (const versions of this.byName.values()) size += versions.length;
    return size;
  }
}

/** Discovery plus loading, without throwing: what `validate` reports. */
export function readManifests(paths: readonly string[], options: ReadManifestsOptions): ManifestLoadResult {
  const discovered = discoverManifests(paths, options.autoDiscover, options.baseDir);
  const env = options.env ?? process.env;
  const result = mergeLoadResults(
    discovered.sources.map(({ file, discovered: found }) =>
      loadManifestFile(file, env, { discovered: found, ...(options.schemas ? { schemas: options.schemas } : {}) }),
    ),
  );
  result.errors.unshift(...discovered.errors);
  result.warnings.unshift(...discovered.warnings);
  return result;
}

/**
 * One issue per agent whose name and version an earlier agent already has (served side by
 * side, versions of one name are fine; the same version twice cannot be told apart).
 */
export function clashIssues(agents: readonly AgentDefinition[]): SourceIssue[] {
  const seen = new Map<string, AgentDefinition>();
  const issues: SourceIssue[] = [];
  for (const agent of agents) {
    const id = agentId(agent).replace(/@[vV]/, '@');
    const first = seen.get(id);
    if (first) {
      const what = agent.version === null ? `agent "${agent.name}" (no version)` : `agent "${agent.name}" version ${agent.version}`;
      issues.push({
        file: agent.source.file,
        line: agent.source.line,
        path: 'metadata.name',
        message: `${what} is already defined at ${first.source.file}:${first.source.line}`,
        hint: 'give one a different metadata.version to serve both, or a different name',
      });
    } else {
      seen.set(id, agent);
    }
  }
  return issues;
}
