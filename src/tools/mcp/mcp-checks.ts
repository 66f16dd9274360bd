import type { ReadinessCheck } from '../../http/gateway-services.js';
import type { McpConnectionManager } from './mcp-connection-manager.js';

/**
 * One readiness check per MCP server (`mcp:<name>`): `ok` when connected, else `degraded`
 * with the reason (only the agents that use it cannot run, so the gateway still serves).
 */
export function mcpChecks(manager: McpConnectionManager): ReadinessCheck[] {
  return manager.snapshot().map((server) => ({
    name: `mcp:${server.name}`,
    status: server.state === 'ready' ? 'ok' : 'degraded',
    detail: server.state === 'ready' ? `${server.tools} tools over ${server.transport}` : (manager.get(server.name)?.unavailable() ?? server.state),
  }));
}
