import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, parse as parseScalarText, type Document, type Node } from 'yaml';
import { hasPlaceholder, interpolate, isWholePlaceholder, PlaceholderError, type Environment } from './interpolate.js';
import { formatPath, type SourceIssue } from './source-issue.js';

export type KeyPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Aliases a document may expand before we call it a YAML bomb (the `yaml` package's guard). */
const MAX_ALIAS_COUNT = 100;

/** Whether `root` reaches itself through its own children; iterative, so a deep tree cannot overflow the stack. */
export function containsItself(root: unknown): boolean {
  const onPath = new Set<object>();
  const finished = new Set<object>();
  const stack: { node: object; children: unknown[]; next: number }[] = [];
  const enter = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null || finished.has(value)) return false;
    if (onPath.has(value)) return true;
    onPath.add(value);
    stack.push({ node: value, children: Object.values(value), next: 0 });
    return false;
  };
  if (enter(root)) return true;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      if (enter(top.children[top.next++])) return true;
    } else {
      stack.pop();
      onPath.delete(top.node);
      finished.add(top.node);
    }
  }
  return false;
}

/**
 * One YAML (or JSON: a YAML subset) document that remembers where each key came from, so a
 * problem found after parsing is still reported at file:line:column.
 */
export class SourceDocument {
  constructor(
    readonly file: string,
    readonly index: number,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Syntax problems: bad indentation, duplicate keys, unterminated strings. */
  get syntaxIssues(): SourceIssue[] {
    return this.doc.errors.map((error) => {
      const at = error.linePos?.[0];
      return {
        file: this.file,
        line: at?.line,
        column: at?.col,
        message: inUserTerms(error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')),
      };
    });
  }

  /** Where the document starts (its first content line). */
  get start(): SourcePosition {
    const offset = this.doc.contents?.range[0] ?? this.doc.range[0];
    const at = this.lines.linePos(offset);
    return { line: at.line, column: at.col };
  }

  /**
   * A top-level key's scalar value (`apiVersion`, `kind`), read from the syntax tree without
   * building the document: works on a document with syntax errors, and costs nothing.
   */
  peek(key: string): unknown {
    if (!isMap(this.doc.contents)) return undefined;
    const pair = this.doc.contents.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
    return pair && isScalar(pair.value) ? pair.value.value : undefined;
  }

  /** Whether the document's root is a mapping (a manifest), as far as the syntax tree tells. */
  get isMapping(): boolean {
    return isMap(this.doc.contents);
  }

  /** Plain JS value. Throws a positioned issue (not a hang) for alias bombs. */
  toJS(): unknown {
    let value: unknown;
    try {
      value = this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      throw new SourceIssueError({
        file: this.file,
        ...this.start,
        message: `cannot expand the document: ${inUserTerms((error as Error).message)}`,
      });
    }
    // `&a [*a]` is legal YAML and becomes a value that contains itself: every walk over the
    // tree (validation, placeholders, hashing) would recurse until the stack overflows.
    if (containsItself(value)) {
      throw new SourceIssueError({ file: this.file, ...this.start, message: 'cannot expand the document: an alias refers to a node that contains it (&a [*a])' });
    }
    return value;
  }

  /**
   * The position of the value at `path` (or of its key, for "unknown key" reports). Falls
   * back to the nearest ancestor that exists, so a missing key points at its parent.
   */
  positionOf(path: KeyPath, which: 'key' | 'value' = 'value'): SourcePosition {
    let node: unknown = this.doc.contents;
    let best: Node | null = (this.doc.contents as Node | null) ?? null;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      let next: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part));
        next = pair?.value;
        keyNode = pair?.key;
      } else if (isSeq(node) && typeof part === 'number') {
        next = node.items[part];
      }
      const last = i === path.length - 1;
      if (last && which === 'key' && keyNode) {
        best = keyNode as Node;
        break;
      }
      if (next === undefined || next === null) {
        if (keyNode) best = keyNode as Node;
        break;
      }
      node = next;
      if ((next as Node).range) best = next as Node;
    }
    const offset = best?.range?.[0] ?? this.doc.range[0];
    const at = this.lines.linePos(offset);
    return { line: at.line, column: at.col };
  }

  /** An issue at `path`, positioned. */
  issueAt(path: KeyPath, message: string, options: { hint?: string; at?: 'key' | 'value' } = {}): SourceIssue {
    return {
      file: this.file,
      ...this.positionOf(path, options.at),
      path: formatPath(path),
      message,
      ...(options.hint ? { hint: options.hint } : {}),
    };
  }

  /**
   * Replaces `${VAR}` / `${VAR:-default}` in every string scalar, in place. A value that is one
   * whole placeholder takes the type its text reads as (`${PORT:-8080}` becomes a number).
   * `skip(path)` leaves a value as written (secret references are resolved elsewhere).
   */
  interpolate(env: Environment, skip: (path: KeyPath) => boolean = () => false): SourceIssue[] {
    const issues: SourceIssue[] = [];
    const visit = (node: unknown, path: (string | number)[]): void => {
      if (isMap(node)) {
        for (const item of node.items) {
          if (isPair(item) && isScalar(item.key)) visit(item.value, [...path, String(item.key.value)]);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => visit(item, [...path, i]));
      } else if (isScalar(node) && typeof node.value === 'string' && hasPlaceholder(node.value)) {
        if (skip(path)) return;
        const raw = node.value;
        try {
          const replaced = interpolate(raw, env);
          node.value = isWholePlaceholder(raw) ? typedScalar(replaced) : replaced;
        } catch (error) {
          if (!(error instanceof PlaceholderError)) throw error;
          issues.push(this.issueAt(path, error.message, error.hint === undefined ? {} : { hint: error.hint }));
        }
      }
    };
    visit(this.doc.contents, []);
    return issues;
  }
}

/** V8's words for a nesting deeper than its stack ("Maximum call stack size exceeded") say nothing to a user. */
function inUserTerms(message: string): string {
  return /maximum call stack size exceeded/i.test(message) ? 'nested too deeply (thousands of levels of [ or {)' : message;
}

/** An issue thrown where a return value cannot carry it. */
export class SourceIssueError extends Error {
  override readonly name = 'SourceIssueError';
  constructor(readonly issue: SourceIssue) {
    super(issue.message);
  }
}

function typedScalar(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    const value: unknown = parseScalarText(text);
    return typeof value === 'object' && value !== null ? text : value;
  } catch {
    return text;
  }
}

/** Every document of a YAML or JSON text (`---` separates several). */
export function parseYamlSource(text: string, file: string): SourceDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  // An empty text yields an EmptyStream: no documents.
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, index) => new SourceDocument(file, index, doc, lines));
}

/** Matches a key path against a pattern such as `providers.*.api_key` (`*` is one segment). */
export function pathMatches(path: KeyPath, pattern: string): boolean {
  const parts = pattern.split('.');
  if (parts.length !== path.length) return false;
  return parts.every((part, i) => part === '*' || part === String(path[i]));
}
