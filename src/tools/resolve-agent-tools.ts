import type { AgentDefinition } from '../agents/agent-definition.js';
import type { SourceIssue } from '../config/source-issue.js';
import { toolEntryName, toolIssue } from './manifest-tool-entries.js';
import type { ServerToolKind, ToolKindHandler, ToolSource } from './server-tool.js';

/**
 * What a kind resolves an entry to when the entry is fine but the gateway offers nothing for it
 * (a kind that only accepts what someone else runs): the agent starts, and without any other
 * tool it runs no loop.
 */
export const NO_SERVER_TOOLS: ToolSource = { tools: () => [], unavailable: () => undefined };

/** One declared tool, and whether the gateway can run it. */
export interface DeclaredTool {
  readonly name: string;
  /** The kind that took it; absent: no kind did. */
  readonly kind?: ServerToolKind;
  /** Why it cannot run (positioned); absent: runnable. */
  readonly problem?: SourceIssue;
}

/** What the kinds made of an agent's `spec.tools`. */
export interface AgentToolResolution {
  readonly sources: readonly ToolSource[];
  readonly declared: readonly DeclaredTool[];
  /** One per tool that cannot run: the agent does not start. */
  readonly problems: readonly SourceIssue[];
}

/**
 * Runs each `spec.tools` entry of the agent through the kinds, in order (the first that
 * accepts an entry resolves it). An entry no kind accepts is a problem naming the kinds there
 * are, so an agent never starts with a tool it would fail to run at the first call.
 */
export function resolveAgentTools(agent: AgentDefinition, kinds: readonly ToolKindHandler[]): AgentToolResolution {
  const sources: ToolSource[] = [];
  const declared: DeclaredTool[] = [];
  const problems: SourceIssue[] = [];
  for (const entry of agent.toolEntries ?? []) {
    const name = toolEntryName(entry);
    const kind = kinds.find((candidate) => candidate.accepts(entry));
    if (!kind) {
      const type = entry.raw['type'];
      const problem = toolIssue(entry, `tool "${name}": type ${JSON.stringify(type)} is not a tool kind ossa-gateway runs (${[...new Set(kinds.map((k) => k.kind))].join(', ')})`, 'type');
      declared.push({ name, problem });
      problems.push(problem);
      continue;
    }
    const resolved = kind.resolve(entry, agent.name);
    if ('problem' in resolved) {
      declared.push({ name, kind: kind.kind, problem: resolved.problem });
      problems.push(resolved.problem);
    } else {
      declared.push({ name, kind: kind.kind });
      if (resolved.source !== NO_SERVER_TOOLS) sources.push(resolved.source);
    }
  }
  return { sources, declared, problems };
}
