import { suggest } from '../../config/did-you-mean.js';
import type { SourceIssue } from '../../config/source-issue.js';
import { NO_SECRETS, type SecretRedactor } from '../../secrets/known-secrets.js';
import type { ManifestToolEntry, ServerTool, ToolKindHandler, ToolResolution, ToolSource } from '../server-tool.js';
import { fromMcpToolResult } from './from-mcp-tool-result.js';
import type { McpToolInfo, McpToolServer } from './mcp-connection.js';
import { readMcpToolEntry, type McpToolEntry } from './read-mcp-tool-entry.js';

/** The servers a kind may pick from, by configured name. */
export interface McpServerLookup {
  names(): readonly string[];
  get(name: string): (McpToolServer & { readonly settings: McpServerLimits }) | undefined;
}

/** The per-server limits a tool applies. */
export interface McpServerLimits {
  /** Per-call timeout when the manifest sets none, ms. */
  readonly timeoutMs: number;
  readonly maxResultBytes: number;
}

/** What a model accepts as a tool name (OpenAI and Anthropic): an MCP name outside it is offered under a cleaned one. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A server's description or schema larger than this is not passed to the model whole. */
const MAX_DESCRIPTION_CHARS = 4096;
const MAX_SCHEMA_BYTES = 65_536;

/**
 * The `mcp` tool kind: a manifest entry `type: mcp` names a configured server (`server:`,
 * `config.server`, `source.uri: mcp://server/tool`, or its `name`) and which of its tools the
 * agent may use (`capabilities`, `toolNames`, `tools`; see `readMcpToolEntry`). An unknown
 * server is a positioned problem (the agent does not start); a known one that is down only
 * makes the source `unavailable()` until it is back. Tools are read from the server's current
 * list at every turn, so a `list_changed` or a reconnection shows at the next turn.
 *
 * @example
 * const kinds = [mcpToolKind(manager, secrets)];
 */
export function mcpToolKind(servers: McpServerLookup, secrets: SecretRedactor = NO_SECRETS): ToolKindHandler {
  return {
    kind: 'mcp',
    accepts: (entry) => entry.raw['type'] === 'mcp',
    resolve(entry: ManifestToolEntry): ToolResolution {
      const read = readMcpToolEntry(entry.raw);
      const problem = (key: string, message: string, hint?: string): ToolResolution => ({
        problem: { file: entry.source.file, ...position(entry), path: `spec.tools[${entry.index}].${key}`, message, ...(hint ? { hint } : {}) } satisfies SourceIssue,
      });
      const configured = servers.names();
      const configureHint = configured.length === 0 ? 'no MCP server is configured: add it under mcp.servers in ossa.yaml' : `configured: ${configured.join(', ')}`;
      if (read.inlineServer) {
        return problem(read.inlineServer.key, 'the MCP server is defined in the manifest; the gateway starts only servers configured in ossa.yaml', `add it under mcp.servers.<name> and write ${read.inlineServer.key}: <name>`);
      }
      const name = read.server?.name ?? (typeof entry.raw['name'] === 'string' && servers.get(entry.raw['name']) ? entry.raw['name'] : undefined);
      if (name === undefined) return problem('server', 'an mcp tool names no server', `write server: <name of an mcp.servers entry> (${configureHint})`);
      const server = servers.get(name);
      if (!server) {
        const close = suggest(name, configured);
        return problem(read.server?.key ?? 'server', `unknown MCP server "${name}"`, close ? `did you mean "${close}"?` : configureHint);
      }
      return { source: new McpToolSource(server, read, secrets) };
    },
  };
}

/** An entry's tools on its server, rebuilt when the server's list changes. */
class McpToolSource implements ToolSource {
  #revision = -1;
  #tools: readonly ServerTool[] = [];
  #missing: readonly string[] = [];

  constructor(
    private readonly server: McpToolServer & { readonly settings: McpServerLimits },
    private readonly entry: McpToolEntry,
    private readonly secrets: SecretRedactor,
  ) {}

  tools(): readonly ServerTool[] {
    this.#refresh();
    return this.#tools;
  }

  unavailable(): string | undefined {
    const down = this.server.unavailable();
    if (down) return down;
    this.#refresh();
    if (this.#tools.length > 0) return undefined;
    if (this.#missing.length > 0) return `MCP server "${this.server.name}" has no tool ${this.#missing.map((name) => `"${name}"`).join(', ')}`;
    return `MCP server "${this.server.name}" lists no tools`;
  }

  #refresh(): void {
    if (this.server.revision === this.#revision) return;
    this.#revision = this.server.revision;
    const listed = this.server.tools();
    const picked = pick(listed, this.entry);
    this.#missing = this.entry.pick.kind === 'named' ? this.entry.pick.names.filter((name) => !listed.some((tool) => tool.name === name)) : [];
    const previous = new Map(this.#tools.map((tool) => [tool.definition.name, tool]));
    this.#tools = picked.map((info) => {
      const tool = this.#toServerTool(info);
      const same = previous.get(tool.definition.name);
      // Same tool, same schema: keep the object, so whoever compiled its schema keeps the result.
      return same && JSON.stringify(same.definition) === JSON.stringify(tool.definition) ? same : tool;
    });
  }

  #toServerTool(info: McpToolInfo): ServerTool {
    const server = this.server;
    const secrets = this.secrets;
    const limits = server.settings;
    const description = info.description ?? this.entry.descriptions.get(info.name);
    const timeoutMs = this.entry.timeoutSeconds !== undefined ? this.entry.timeoutSeconds * 1000 : limits.timeoutMs;
    return {
      kind: 'mcp',
      definition: {
        name: modelToolName(info.name),
        ...(description !== undefined ? { description: description.slice(0, MAX_DESCRIPTION_CHARS) } : {}),
        parameters: toParameters(info.inputSchema),
      },
      ...(info.readOnly ? { readOnly: true } : {}),
      timeoutMs,
      async run(args, context) {
        const remaining = Math.min(timeoutMs, context.deadline - Date.now());
        if (remaining <= 0) throw new Error(`no time left for MCP tool "${info.name}"`);
        const result = await server.callTool(info.name, args, { signal: context.signal, timeoutMs: remaining });
        return fromMcpToolResult(result, limits.maxResultBytes, secrets);
      },
    };
  }
}

function pick(listed: readonly McpToolInfo[], entry: McpToolEntry): readonly McpToolInfo[] {
  const choice = entry.pick;
  if (choice.kind === 'named') return listed.filter((tool) => choice.names.includes(tool.name));
  const named = choice.name === undefined ? undefined : listed.find((tool) => tool.name === choice.name);
  return named ? [named] : listed;
}

/** The server's input schema as tool parameters: always an object schema, never unbounded. */
function toParameters(schema: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return { type: 'object' };
  return schema['type'] === 'object' ? schema : { ...schema, type: 'object' };
}

/** `files/read.v2` -> `files_read_v2`: the characters models refuse replaced, cut to 64. */
export function modelToolName(name: string): string {
  if (TOOL_NAME.test(name)) return name;
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'tool' : cleaned;
}

function position(entry: ManifestToolEntry): { line?: number; column?: number } {
  return {
    ...(entry.source.line !== undefined ? { line: entry.source.line } : {}),
    ...(entry.source.column !== undefined ? { column: entry.source.column } : {}),
  };
}
