import { basename } from 'node:path';
import type { SourceIssue } from '../config/source-issue.js';
import { resolveAgentTools } from '../tools/resolve-agent-tools.js';
import type { ToolKindHandler } from '../tools/server-tool.js';
import type { AgentRoute } from './agent-route.js';
import { AgentRouteTable } from './agent-route-table.js';

/**
 * Gives every agent route its server tools, resolved by the tool kinds once, at startup. An
 * agent with a tool that cannot run (a kind nobody runs, a function without a handler) does not
 * start: its route is unavailable with the first problem, the other agents still serve, and
 * the problems are returned (positioned) for the log and `validate`.
 */
export function withServerTools(routes: AgentRouteTable, kinds: readonly ToolKindHandler[]): { routes: AgentRouteTable; problems: SourceIssue[] } {
  const problems: SourceIssue[] = [];
  const table = new AgentRouteTable();
  for (const route of routes.values()) {
    if ((route.agent.toolEntries ?? []).length === 0) {
      table.add(route);
      continue;
    }
    const resolved = resolveAgentTools(route.agent, kinds);
    problems.push(...resolved.problems);
    const first = resolved.problems[0];
    const next: AgentRoute = {
      ...route,
      declaredTools: resolved.declared,
      ...(resolved.sources.length > 0 ? { serverTools: resolved.sources } : {}),
      ...(first !== undefined && route.unavailable === undefined ? { unavailable: describeToolProblem(first, resolved.problems.length) } : {}),
    };
    table.add(next);
  }
  return { routes: table, problems };
}

/** The reason a route shows: the problem at its place in the manifest (file name only: clients see it). */
function describeToolProblem(issue: SourceIssue, count: number): string {
  const where = [basename(issue.file), issue.line, issue.column].filter((part) => part !== undefined).join(':');
  const more = count > 1 ? ` (and ${count - 1} more tool problem${count === 2 ? '' : 's'})` : '';
  return `a tool cannot run: ${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}${more}`;
}
