import type { Environment } from '../../config/interpolate.js';
import type { McpConfig } from '../../config/ossa-config.js';
import type { Logger } from '../../observability/logger.js';
import { resolveSecret, type SecretVaultReader } from '../../secrets/resolve-secret.js';
import { createMcpTransport, type McpTransportHandle, type SecretReferenceResolver } from './create-mcp-transport.js';
import { McpConnection, type McpConnectionSnapshot } from './mcp-connection.js';

/** Where the manager gets what it needs; tests pass their own transports. */
export interface McpConnectionManagerOptions {
  readonly logger?: Logger;
  /** Resolves `env` / `headers` references (default: `resolveSecret` over `env` and `vault`). */
  readonly resolve?: SecretReferenceResolver;
  readonly env?: Environment;
  readonly vault?: SecretVaultReader;
}

/**
 * Every configured MCP server (`mcp.servers`), one `McpConnection` each, shared by all agents.
 * `start()` begins connecting to all of them at once and returns at once: a slow or dead
 * server holds up no agent that does not use it.
 *
 * @example
 * const mcp = new McpConnectionManager(config.mcp, { logger, env, vault });
 * mcp.start();
 * const kinds = [functionToolKind(handlers), mcpToolKind(mcp)];
 * // on shutdown
 * await mcp.close();
 */
export class McpConnectionManager {
  readonly #connections = new Map<string, McpConnection>();

  constructor(config: McpConfig, options: McpConnectionManagerOptions = {}) {
    const env = options.env ?? process.env;
    const resolve = options.resolve ?? ((reference: string) => resolveSecret(reference, env, options.vault));
    for (const [name, server] of Object.entries(config.servers)) {
      const transport = (): McpTransportHandle => createMcpTransport(name, server, resolve);
      this.#connections.set(name, new McpConnection(name, server, transport, options.logger));
    }
  }

  /** The configured servers' names. */
  names(): string[] {
    return [...this.#connections.keys()];
  }

  /** The connection to a configured server. */
  get(name: string): McpConnection | undefined {
    return this.#connections.get(name);
  }

  /** Connects to every server in the background. */
  start(): void {
    for (const connection of this.#connections.values()) connection.start();
  }

  /** Resolves once every server's current attempt is over (`mcp:list`, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((connection) => connection.settled()));
  }

  /** What readiness and `mcp:list` show. */
  snapshot(): McpConnectionSnapshot[] {
    return [...this.#connections.values()].map((connection) => connection.snapshot());
  }

  /** Closes every connection (stdio servers are stopped). */
  async close(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((connection) => connection.close()));
  }
}
