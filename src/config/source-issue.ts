/** One problem in a config file or manifest, positioned so an editor can jump to it. */
export interface SourceIssue {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Key path, e.g. `providers.anthropic.timeout` or `spec.llm.temperature`. */
  readonly path?: string;
  readonly message: string;
  /** e.g. `did you mean "timeout"?` */
  readonly hint?: string;
}

/** `file:line:column: path: message (hint)` — the format compilers use, so terminals link it. */
export function formatIssue(issue: SourceIssue): string {
  const where = [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(':');
  const path = issue.path ? `${issue.path}: ` : '';
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${where}: ${path}${issue.message}${hint}`;
}

/** `['security', 'clients', 0, 'key']` -> `security.clients[0].key`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** Several issues at once, so a user fixes a file in one pass. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly summary: string,
    readonly issues: readonly SourceIssue[],
  ) {
    super(`${summary}\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
  }
}
