/**
 * A client's `agents` allow-list: names and globs (`support-*`, `faq-?`). Absent: every agent.
 */
export class AgentAllowList {
  private readonly patterns: readonly RegExp[];

  constructor(readonly entries: readonly string[]) {
    this.patterns = entries.map(globToRegExp);
  }

  allows(agent: string): boolean {
    return this.patterns.some((pattern) => pattern.test(agent));
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
