import { parseAgentRef } from '../../agents/agent-ref.js';

/**
 * A client's `agents` allow-list: names and globs (`support-*`, `faq-?`). Absent: every agent.
 * A name allows every version of the agent (`support` allows `support@1.0.0`); an entry with a
 * version (`support@1.0.0`) allows that version only.
 */
export class AgentAllowList {
  private readonly patterns: readonly RegExp[];

  constructor(readonly entries: readonly string[]) {
    this.patterns = entries.map(globToRegExp);
  }

  allows(agent: string): boolean {
    const { name } = parseAgentRef(agent);
    return this.patterns.some((pattern) => pattern.test(agent) || pattern.test(name));
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
