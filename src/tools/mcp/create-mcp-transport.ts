import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from '../../config/ossa-config.js';
import type { SecretResolution } from '../../secrets/resolve-secret.js';

/** The three transports, `http` read as OSSA's name for `streamable-http`. */
export type McpTransportKind = 'stdio' | 'streamable-http' | 'sse';

/** Resolves a secret reference as written in ossa.yaml (`${VAR}`, `file:`, `vault:`, a literal). */
export type SecretReferenceResolver = (reference: string) => SecretResolution;

/** A server's transport: as configured, else `stdio` for a `command`, `streamable-http` for a `url`. */
export function mcpTransportKind(config: McpServerConfig): McpTransportKind {
  if (config.transport === 'http') return 'streamable-http';
  return config.transport ?? (config.command !== undefined ? 'stdio' : 'streamable-http');
}

/** A server's settings cannot be turned into a transport (a secret that does not resolve); the message names no value. */
export class McpTransportError extends Error {
  override readonly name = 'McpTransportError';
}

/** A fresh transport for one connection attempt (a transport is not reusable once closed). */
export interface McpTransportHandle {
  readonly transport: Transport;
  /** The last lines the server wrote on stderr (stdio), for the reason it went down. */
  readonly stderrTail: () => string;
}

/**
 * The SDK transport for a configured server. `env` and `headers` values are resolved as
 * secrets here, at every (re)connection, so a rotated `file:` secret is read again. A stdio
 * server gets the SDK's minimal environment (PATH, HOME, ...) plus its own `env`, never the
 * gateway's (which holds provider keys). HTTP requests do not follow redirects.
 */
export function createMcpTransport(name: string, config: McpServerConfig, resolve: SecretReferenceResolver): McpTransportHandle {
  const values = (field: 'env' | 'headers'): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, reference] of Object.entries(config[field])) {
      const resolved = resolve(reference);
      if (!resolved.ok) throw new McpTransportError(`mcp.servers.${name}.${field}.${key}: ${resolved.reason}`);
      out[key] = resolved.secret.reveal();
    }
    return out;
  };
  const kind = mcpTransportKind(config);
  if (kind === 'stdio') {
    if (config.command === undefined) throw new McpTransportError(`mcp.servers.${name}: no command`);
    const transport = new StdioClientTransport({
      command: config.command,
      args: [...config.args],
      env: { ...getDefaultEnvironment(), ...values('env') },
      ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
      stderr: 'pipe',
    });
    let tail = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-2048);
    });
    return { transport, stderrTail: () => tail.trim().split('\n').slice(-3).join(' | ') };
  }
  if (config.url === undefined) throw new McpTransportError(`mcp.servers.${name}: no url`);
  const url = new URL(config.url);
  const requestInit: RequestInit = { headers: values('headers'), redirect: 'error' };
  const transport = kind === 'sse' ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit });
  return { transport, stderrTail: () => '' };
}
