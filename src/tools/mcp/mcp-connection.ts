import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../../config/ossa-config.js';
import type { JsonSchema } from '../../providers/provider.js';
import { GATEWAY_VERSION } from '../../observability/gateway-version.js';
import type { Logger } from '../../observability/logger.js';
import { mcpTransportKind, type McpTransportHandle, type McpTransportKind } from './create-mcp-transport.js';
import type { McpCallResult } from './from-mcp-tool-result.js';

/** `connecting` (first attempt or a retry under way), `ready`, `down` (waiting to retry), `closed` (shut down). */
export type McpConnectionState = 'connecting' | 'ready' | 'down' | 'closed';

/** One tool as the server listed it. */
export interface McpToolInfo {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: JsonSchema;
  /** The server's `annotations.readOnlyHint`. */
  readonly readOnly: boolean;
}

/** What `mcp:list` and the readiness route show of a connection. */
export interface McpConnectionSnapshot {
  readonly name: string;
  readonly transport: McpTransportKind;
  readonly state: McpConnectionState;
  readonly tools: number;
  /** Why it is not ready. */
  readonly reason?: string;
  /** Failed attempts since it was last ready. */
  readonly failures: number;
}

/** The calls a tool makes on its server (what `mcpToolKind` needs of a connection). */
export interface McpToolServer {
  readonly name: string;
  /** The server's tools now (empty while it is not ready). */
  tools(): readonly McpToolInfo[];
  /** Why the server cannot be used now, or `undefined` when it is ready. */
  unavailable(): string | undefined;
  /** Bumps whenever `tools()` may have changed (a list_changed refresh, a reconnection, a loss). */
  readonly revision: number;
  callTool(name: string, args: Readonly<Record<string, unknown>>, options: { signal: AbortSignal; timeoutMs: number }): Promise<McpCallResult>;
}

/** Never more tools are read from one server (pages of `tools/list`). */
const MAX_TOOLS = 1000;

/**
 * One client connection to one configured MCP server, shared by every agent that uses it:
 * connects (`initialize`, then `tools/list`), refreshes the tool list on
 * `notifications/tools/list_changed`, and reconnects with exponential backoff whenever the
 * transport closes or fails (the process exited, the HTTP server went away). While it is not
 * ready, `unavailable()` says why and calls fail at once.
 *
 * @example
 * const connection = new McpConnection('files', config.mcp.servers.files, () => createMcpTransport('files', config.mcp.servers.files, resolve));
 * connection.start();
 * await connection.settled();
 */
export class McpConnection implements McpToolServer {
  #state: McpConnectionState = 'down';
  #reason: string | undefined = 'not started';
  #tools: readonly McpToolInfo[] = [];
  #revision = 0;
  #failures = 0;
  #client: Client | undefined;
  #handle: McpTransportHandle | undefined;
  #retry: NodeJS.Timeout | undefined;
  #waiters: (() => void)[] = [];
  readonly transport: McpTransportKind;

  constructor(
    readonly name: string,
    private readonly config: McpServerConfig,
    private readonly createTransport: () => McpTransportHandle,
    private readonly logger?: Logger,
  ) {
    this.transport = mcpTransportKind(config);
  }

  /** The per-call limits its tools apply. */
  get settings(): { readonly timeoutMs: number; readonly maxResultBytes: number } {
    return { timeoutMs: this.config.timeout * 1000, maxResultBytes: this.config.max_result_bytes };
  }

  get state(): McpConnectionState {
    return this.#state;
  }

  get revision(): number {
    return this.#revision;
  }

  tools(): readonly McpToolInfo[] {
    return this.#state === 'ready' ? this.#tools : [];
  }

  unavailable(): string | undefined {
    if (this.#state === 'ready') return undefined;
    if (this.#state === 'connecting' && this.#failures === 0) return `MCP server "${this.name}" is connecting`;
    return `MCP server "${this.name}" is ${this.#state === 'closed' ? 'closed' : 'down'}${this.#reason ? `: ${this.#reason}` : ''}`;
  }

  /** Starts connecting in the background; never throws (a failure is retried). */
  start(): void {
    if (this.#state === 'closed' || this.#state === 'connecting' || this.#state === 'ready') return;
    void this.#connect();
  }

  /** Resolves once no attempt is under way (ready, down or closed). */
  settled(): Promise<void> {
    if (this.#state !== 'connecting') return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async callTool(name: string, args: Readonly<Record<string, unknown>>, options: { signal: AbortSignal; timeoutMs: number }): Promise<McpCallResult> {
    const client = this.#client;
    if (this.#state !== 'ready' || client === undefined) throw new Error(this.unavailable());
    try {
      // The SDK sends notifications/cancelled to the server when the signal aborts or the timeout passes.
      return (await client.callTool({ name, arguments: { ...args } }, undefined, { signal: options.signal, timeout: Math.max(1, options.timeoutMs) })) as McpCallResult;
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('the call was cancelled');
      const timedOut = error instanceof McpError && error.code === ErrorCode.RequestTimeout;
      // Anything but a JSON-RPC answer from the server (a closed pipe, a refused connection) means the connection is gone.
      if (!timedOut && (!(error instanceof McpError) || error.code === ErrorCode.ConnectionClosed)) this.#lost(client, describe(error));
      throw new Error(`MCP server "${this.name}": ${timedOut ? `no answer within ${options.timeoutMs} ms` : describe(error)}`);
    }
  }

  snapshot(): McpConnectionSnapshot {
    const reason = this.#state === 'ready' ? undefined : this.#reason;
    return { name: this.name, transport: this.transport, state: this.#state, tools: this.tools().length, ...(reason ? { reason } : {}), failures: this.#failures };
  }

  toJSON(): McpConnectionSnapshot {
    return this.snapshot();
  }

  /** Closes the connection (a stdio server is stopped) and stops retrying. */
  async close(): Promise<void> {
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    this.#setState('closed', 'the gateway is shutting down');
    await client?.close().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    this.#setState('connecting', this.#reason);
    let client: Client | undefined;
    try {
      const handle = this.createTransport();
      this.#handle = handle;
      client = new Client({ name: 'ossa-gateway', version: GATEWAY_VERSION }, { capabilities: {} });
      const current = client;
      client.onclose = () => this.#lost(current, this.#closeReason('the connection closed'));
      client.onerror = (error) => this.logger?.debug({ mcpServer: this.name, err: error.message }, 'MCP transport error');
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => void this.#refresh(current));
      const timeout = this.config.connect_timeout * 1000;
      await withTimeout(client.connect(handle.transport, { timeout }), timeout, 'connecting');
      if (this.#state === 'closed') {
        await client.close().catch(() => undefined);
        return;
      }
      this.#client = client;
      this.#tools = await listAllTools(client, timeout);
      this.#failures = 0;
      this.#setState('ready', undefined);
      this.logger?.info({ mcpServer: this.name, transport: this.transport, tools: this.#tools.length }, `MCP server "${this.name}" connected`);
    } catch (error) {
      if (this.#state === 'closed') return;
      const reason = this.#closeReason(describe(error));
      if (client) {
        // This client is given up: its late close must not count as a second loss.
        client.onclose = undefined;
        await client.close().catch(() => undefined);
      }
      this.#client = undefined;
      this.#failures += 1;
      this.#scheduleRetry(reason);
    }
  }

  async #refresh(client: Client): Promise<void> {
    if (client !== this.#client || this.#state !== 'ready') return;
    try {
      this.#tools = await listAllTools(client, this.config.connect_timeout * 1000);
      this.#revision += 1;
      this.logger?.info({ mcpServer: this.name, tools: this.#tools.length }, `MCP server "${this.name}" changed its tools`);
    } catch (error) {
      this.logger?.warn({ mcpServer: this.name, err: describe(error) }, `MCP server "${this.name}": refreshing its tools failed; keeping the previous list`);
    }
  }

  #lost(client: Client, reason: string): void {
    if (client !== this.#client || this.#state === 'closed') return;
    this.#client = undefined;
    client.onclose = undefined;
    void client.close().catch(() => undefined);
    this.#failures += 1;
    this.#scheduleRetry(reason);
  }

  #scheduleRetry(reason: string): void {
    const { initial_delay_ms: initial, max_delay_ms: max } = this.config.reconnect;
    const delay = Math.min(max, initial * 2 ** Math.min(this.#failures - 1, 30));
    this.#setState('down', reason);
    const log = this.#failures === 1 ? this.logger?.warn.bind(this.logger) : this.logger?.debug.bind(this.logger);
    log?.({ mcpServer: this.name, reason, retryInMs: delay, failures: this.#failures }, `MCP server "${this.name}" is down`);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#connect(), delay);
    this.#retry.unref();
  }

  /** `reason`, with what a stdio server last wrote on stderr (why it exited, usually). */
  #closeReason(reason: string): string {
    const tail = this.#handle?.stderrTail() ?? '';
    return tail === '' ? reason : `${reason} (stderr: ${tail.slice(0, 300)})`;
  }

  #setState(state: McpConnectionState, reason: string | undefined): void {
    const changed = state !== this.#state;
    this.#state = state;
    this.#reason = reason;
    if (changed) this.#revision += 1;
    if (state !== 'connecting') for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

async function listAllTools(client: Client, timeout: number): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout });
    for (const tool of page.tools) {
      if (tools.length >= MAX_TOOLS) return tools;
      tools.push({
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        inputSchema: tool.inputSchema as JsonSchema,
        readOnly: tool.annotations?.readOnlyHint === true,
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as NodeJS.ErrnoException).code ?? (cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined);
  const message = error.message.replace(/^MCP error -?\d+: /, '');
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
