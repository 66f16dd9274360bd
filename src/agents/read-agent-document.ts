import { createHash } from 'node:crypto';
import type { Environment } from '../config/interpolate.js';
import { formatPath, type SourceIssue } from '../config/source-issue.js';
import { SourceIssueError, type KeyPath, type SourceDocument } from '../config/yaml-source.js';
import type { AgentDefinition } from './agent-definition.js';
import { canonicalJson } from '../util/canonical-json.js';
import { checkApiVersion } from './api-version.js';
import { findUnenforcedFields } from './enforced-fields.js';
import { mergeTools, readExtensions } from './extension-settings.js';
import { findLlmSettings, LLM_PATHS } from './llm-settings.js';
import { describeType, dig, isRecord, type JsonRecord } from './manifest-values.js';
import { findSystemPrompt } from './system-prompt.js';
import { readLoopSettings } from './loop-settings.js';
import { readToolEntries } from '../tools/manifest-tool-entries.js';

export interface AgentDocumentResult {
  readonly agent?: AgentDefinition;
  /** Set when the document is valid YAML but not an Agent (a Workflow, say): not an error. */
  readonly skipped?: string;
  readonly errors: readonly SourceIssue[];
  readonly warnings: readonly SourceIssue[];
  /** One per declared field the gateway does not enforce (see `MANIFEST_FIELDS`). */
  readonly unenforced: readonly SourceIssue[];
}

/** DNS-1123 label, as Kubernetes and the OSSA schema require: it also makes a safe URL segment. */
const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION = /^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?$/;

const underLlm = (path: KeyPath): boolean =>
  LLM_PATHS.some((prefix) => prefix.every((part, i) => path[i] === part));

/**
 * Reads one document of a manifest file. Unknown keys are tolerated (real manifests are full
 * of them); the keys the runtime uses are validated, each problem positioned.
 */
export function readAgentDocument(source: SourceDocument, env: Environment): AgentDocumentResult {
  const errors: SourceIssue[] = [...source.syntaxIssues];
  const warnings: SourceIssue[] = [];
  if (errors.length > 0) return { errors, warnings, unenforced: [] };

  // Placeholders elsewhere (tool commands, workflow templates) belong to other runtimes.
  errors.push(...source.interpolate(env, (path) => !underLlm(path)));

  let doc: unknown;
  try {
    doc = source.toJS();
  } catch (error) {
    if (error instanceof SourceIssueError) return { errors: [error.issue], warnings, unenforced: [] };
    throw error;
  }
  if (doc === null || doc === undefined) return { skipped: 'empty document', errors: [], warnings, unenforced: [] };
  if (!isRecord(doc)) {
    return { errors: [{ file: source.file, ...source.start, message: `expected an OSSA manifest (a mapping), got ${describeType(doc)}` }], warnings, unenforced: [] };
  }
  const kind = doc['kind'];
  if (kind !== 'Agent') {
    // Not String(kind): a mapping such as {toString: ""} cannot be converted (a TypeError).
    return { skipped: `kind ${kind === undefined ? '(none)' : typeof kind === 'string' ? kind : describeType(kind)} is not Agent`, errors: [], warnings, unenforced: [] };
  }

  const apiVersion = checkApiVersion(doc['apiVersion']);
  if (!apiVersion.ok) errors.push(source.issueAt(['apiVersion'], apiVersion.reason));
  else if (apiVersion.warning) warnings.push(source.issueAt(['apiVersion'], apiVersion.warning));

  const name = dig(doc, 'metadata', 'name');
  if (typeof name !== 'string' || name === '') {
    errors.push(source.issueAt(['metadata', 'name'], 'is required: the agent name used in URLs'));
  } else if (name.length > 63 || !AGENT_NAME.test(name)) {
    errors.push(
      source.issueAt(['metadata', 'name'], `"${name}" is not a DNS-1123 name (lowercase letters, digits and "-", at most 63, starting and ending alphanumeric)`, {
        hint: suggestName(name),
      }),
    );
  }

  let version: string | null = null;
  const rawVersion = dig(doc, 'metadata', 'version');
  if (rawVersion !== undefined && rawVersion !== null) {
    const text = typeof rawVersion === 'number' ? String(rawVersion) : rawVersion;
    if (typeof text === 'string' && VERSION.test(text)) version = text;
    else errors.push(source.issueAt(['metadata', 'version'], `expected a version such as 1.0.0, got ${describeType(rawVersion)}`));
  }

  const prompt = findSystemPrompt(doc, source.file);
  for (const e of prompt.errors) errors.push(source.issueAt(e.path, e.message, { at: e.path.length === 1 ? 'key' : 'value' }));
  for (const w of prompt.warnings) warnings.push(source.issueAt(w.path, w.message));

  const llm = findLlmSettings(doc);
  for (const e of llm.errors) errors.push(source.issueAt(e.path, e.message));
  const extensions = readExtensions(doc);
  for (const e of extensions.errors) errors.push(source.issueAt(e.path, e.message));

  const loop = readLoopSettings(doc);
  for (const e of loop.errors) errors.push(source.issueAt(e.path, e.message));

  let timeoutSeconds: number | undefined;
  const timeout = dig(doc, 'spec', 'constraints', 'performance', 'timeoutSeconds');
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout === 'number' && timeout > 0) timeoutSeconds = timeout;
    else errors.push(source.issueAt(['spec', 'constraints', 'performance', 'timeoutSeconds'], `expected a number of seconds > 0, got ${describeType(timeout)}`));
  }

  let rateLimit: AgentDefinition['rateLimit'];
  const limiting = dig(doc, 'spec', 'safety', 'rate_limiting');
  if (isRecord(limiting) && limiting['enabled'] !== false) {
    const rpm = limiting['requests_per_minute'];
    const burst = limiting['burst_limit'] ?? rpm;
    const base = ['spec', 'safety', 'rate_limiting'];
    if (typeof rpm !== 'number' || !Number.isInteger(rpm) || rpm < 1) {
      errors.push(source.issueAt([...base, 'requests_per_minute'], `expected a whole number >= 1, got ${describeType(rpm)}`));
    } else if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1) {
      errors.push(source.issueAt([...base, 'burst_limit'], `expected a whole number >= 1, got ${describeType(burst)}`));
    } else {
      rateLimit = { requestsPerMinute: rpm, burstLimit: burst };
    }
  }

  // In document order, as a reader goes through the file.
  const unenforcedFields = findUnenforcedFields(doc, llm.base)
    .map((field) => ({ field, at: source.positionOf(field.path, 'key') }))
    .sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  const unenforced = unenforcedFields.map(
    ({ field, at }): SourceIssue => ({ file: source.file, ...at, message: field.message, ...(field.why ? { hint: field.why } : {}) }),
  );
  if (errors.length > 0 || !prompt.prompt || typeof name !== 'string' || !apiVersion.ok) return { errors, warnings, unenforced };

  const description = dig(doc, 'metadata', 'description');

  return {
    agent: {
      name,
      version,
      description: typeof description === 'string' ? description.trim() : '',
      apiVersion: apiVersion.normalized,
      systemPrompt: prompt.prompt.text,
      systemPromptSource: prompt.prompt.source,
      llm: llm.settings,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(rateLimit ? { rateLimit } : {}),
      tools: mergeTools(extensions.extensions.anthropic?.tools, specTools(doc)),
      toolEntries: readToolEntries(doc, source),
      loop: loop.settings,
      extensions: extensions.extensions,
      warnings: [...warnings, ...unenforced].map(describeWarning),
      unenforced: unenforcedFields.map(({ field }) => formatPath(field.path)),
      contentHash: createHash('sha256').update(canonicalJson(doc)).digest('hex'),
      source: { file: source.file, line: source.start.line, document: source.index },
    },
    errors,
    warnings,
    unenforced,
  };
}

/** `spec.tools` as a name (`(unnamed)` when it has none), a description, and its input schema when it declares one. */
function specTools(doc: JsonRecord): { name: string; description?: string; parameters?: JsonRecord }[] {
  const tools = dig(doc, 'spec', 'tools');
  if (!Array.isArray(tools)) return [];
  return tools.filter(isRecord).map((tool) => {
    const schema = tool['input_schema'] ?? tool['parameters'];
    return {
      name: typeof tool['name'] === 'string' ? tool['name'] : '(unnamed)',
      ...(typeof tool['description'] === 'string' ? { description: tool['description'] } : {}),
      ...(isRecord(schema) ? { parameters: schema } : {}),
    };
  });
}

/** A warning as `GET /v1/agents/{name}` shows it: the field and the message, without the server's file path. */
function describeWarning(issue: SourceIssue): string {
  return `${issue.path ? `${issue.path}: ` : ''}${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;
}

function suggestName(name: string): string | undefined {
  const fixed = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return fixed && fixed !== name ? `did you mean "${fixed}"?` : undefined;
}
