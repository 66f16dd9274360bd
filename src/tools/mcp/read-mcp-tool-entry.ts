import { isRecord } from '../../config/config-problem.js';

/** Which of a server's tools one manifest entry gives the agent. */
export type McpToolPick =
  /** Exactly these (from `capabilities`, `toolNames`, `tools`, or a `source.uri` path). */
  | { readonly kind: 'named'; readonly names: readonly string[] }
  /**
   * No list: the one tool called like the entry's `name` when the server has it (the kagent
   * style, `name: diagnose_pod_failures` + `server:`), else all of the server's tools.
   */
  | { readonly kind: 'name-or-all'; readonly name?: string };

/** A `type: mcp` entry as the gateway reads it. */
export interface McpToolEntry {
  /** The server named, and the key it was read from (for positioned problems). */
  readonly server?: { readonly name: string; readonly key: string };
  readonly pick: McpToolPick;
  /** Descriptions the manifest gives its capabilities, used when the server gives none. */
  readonly descriptions: ReadonlyMap<string, string>;
  /** `timeout_seconds`, when set. */
  readonly timeoutSeconds?: number;
  /** The manifest defines the server inline (a command line or a mapping): never started from a manifest. */
  readonly inlineServer?: { readonly key: string };
}

/**
 * Reads the shapes real manifests use for an MCP tool:
 * - `server: k8s`, with `capabilities: [get_pods, ...]`, `capabilities: [{ name: read_file }]`,
 *   `toolNames: [...]` or `tools: [...]`;
 * - `config: { server: gitlab-mcp }` (the reference agents);
 * - `source: { type: mcp, uri: mcp://kg-service/query }` (server `kg-service`, tool `query`);
 * - no server key: the entry's `name` names the server when one is configured under that name
 *   (decided by the caller, which knows the servers).
 * `server: { command: npx, ... }` or `config.server: "npx -y @mcp/server-github"` define a
 * server inline: reported, since a manifest does not get to start programs.
 */
export function readMcpToolEntry(raw: Readonly<Record<string, unknown>>): McpToolEntry {
  const config = isRecord(raw['config']) ? raw['config'] : {};
  const source = isRecord(raw['source']) ? raw['source'] : {};
  const uri = typeof source['uri'] === 'string' ? parseMcpUri(source['uri']) : undefined;

  let server: McpToolEntry['server'];
  let inlineServer: McpToolEntry['inlineServer'];
  const candidates: [string, unknown][] = [['server', raw['server']], ['config.server', config['server']]];
  for (const [key, value] of candidates) {
    if (server || inlineServer) break;
    if (isRecord(value)) inlineServer = { key };
    else if (typeof value === 'string' && /\s/.test(value.trim())) inlineServer = { key };
    else if (typeof value === 'string' && value.trim() !== '') server = { name: value.trim(), key };
  }
  if (!server && !inlineServer && uri) server = { name: uri.server, key: 'source.uri' };

  const descriptions = new Map<string, string>();
  const names: string[] = [];
  for (const key of ['capabilities', 'toolNames', 'tools'] as const) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const name = typeof item === 'string' ? item : isRecord(item) && typeof item['name'] === 'string' ? item['name'] : undefined;
      if (name === undefined || name.trim() === '') continue;
      if (!names.includes(name)) names.push(name);
      if (isRecord(item) && typeof item['description'] === 'string') descriptions.set(name, item['description']);
    }
  }
  if (names.length === 0 && uri?.tool) names.push(uri.tool);
  if (names.length === 1 && typeof raw['description'] === 'string' && !descriptions.has(names[0]!)) descriptions.set(names[0]!, raw['description']);

  const name = typeof raw['name'] === 'string' ? raw['name'] : undefined;
  const pick: McpToolPick = names.length > 0 ? { kind: 'named', names } : { kind: 'name-or-all', ...(name !== undefined ? { name } : {}) };
  if (pick.kind === 'name-or-all' && name !== undefined && typeof raw['description'] === 'string') descriptions.set(name, raw['description']);
  const timeout = raw['timeout_seconds'] ?? config['timeout'];
  return {
    ...(server ? { server } : {}),
    ...(inlineServer ? { inlineServer } : {}),
    pick,
    descriptions,
    ...(typeof timeout === 'number' && timeout > 0 ? { timeoutSeconds: timeout } : {}),
  };
}

/** `mcp://kg-service/query` -> server `kg-service`, tool `query` (a path with dashes read as the tool name as written). */
function parseMcpUri(uri: string): { server: string; tool?: string } | undefined {
  const match = /^mcp:\/\/([^/?#]+)(?:\/([^?#]*))?/.exec(uri.trim());
  if (!match) return undefined;
  const tool = match[2]?.replace(/\/+$/, '');
  return { server: match[1]!, ...(tool ? { tool } : {}) };
}
