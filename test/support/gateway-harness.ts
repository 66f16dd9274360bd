import type { ToolHandlers } from '../../src/tools/function/tool-handler.js';
import type { ToolKindHandler } from '../../src/tools/server-tool.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import { tempDir } from './scratch-dir.js';

export { tempDir } from './scratch-dir.js';

/** Log lines a test can search: every JSON line the gateway wrote, parsed. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.raw.push(line);
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.lines.push({ msg: line });
        }
      }
      done();
    },
  });

  find(predicate: (line: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
    return this.lines.find(predicate);
  }

  messages(): string[] {
    return this.lines.map((line) => String(line['msg']));
  }
}

/** A minimal valid manifest. */
export function agentManifest(name: string, llm: Record<string, unknown> = {}, extra = ''): string {
  const llmLines = Object.entries(llm).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`).join('\n');
  return `apiVersion: ossa/v0.4.6
kind: Agent
metadata:
  name: ${name}
  version: 1.0.0
  description: Test agent ${name}
spec:
  role: You are the ${name} test agent.
${llmLines ? `  llm:\n${llmLines}\n` : ''}${extra}`;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly logs: LogCapture;
  readonly dir: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A gateway listening on a random port with `agents` (name -> manifest text) in a temp dir and
 * `ossa` as its config tree (manifest_paths defaults to that dir; audit and cache paths too).
 */
export async function startTestGateway(options: {
  ossa?: Record<string, unknown>;
  agents?: Record<string, string>;
  env?: Record<string, string | undefined>;
  logLevel?: 'info' | 'debug' | 'warn';
  /** The gateway's clock (circuit breakers, retries, audit records). */
  now?: () => number;
  /** The pause between retries: record the waits instead of sleeping. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The `function` tools' handlers (`createGateway({ tools })`). */
  tools?: ToolHandlers;
  /** Tool kinds asked before the built-in ones (`createGateway({ toolKinds })`). */
  toolKinds?: readonly ToolKindHandler[];
}): Promise<TestGateway> {
  const files = Object.fromEntries(Object.entries(options.agents ?? {}).map(([name, text]) => [`agents/${name}.ossa.yaml`, text]));
  const dir = tempDir(files);
  const logs = new LogCapture();
  const ossa = { manifest_paths: [join(dir, 'agents')], ...(options.ossa ?? {}) };
  const gateway = await createGateway({
    config: { ossa },
    baseDir: dir,
    env: options.env ?? {},
    logger: createLogger({ level: options.logLevel ?? 'info', destination: logs.stream }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.toolKinds ? { toolKinds: options.toolKinds } : {}),
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const { url } = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    gateway,
    url,
    logs,
    dir,
    post: (path, body, headers) => request('POST', path, body, headers),
    get: (path, headers) => request('GET', path, undefined, headers),
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Test assertions index freely into response bodies; `any` keeps them readable there and only there. */
// biome-ignore lint: test-only escape hatch
export type JsonBody = any;

/** The parsed JSON body of a fetch response. */
export async function readJson(res: Response): Promise<JsonBody> {
  return (await res.json()) as JsonBody;
}
