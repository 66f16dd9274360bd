import { join } from 'node:path';
import { MOCK_CONTROL, type MockSettings, type MockStats } from '../mock/mock-upstream.js';
import { pinnedCommand } from '../proc/cpu-pinning.js';
import type { SupervisedProcess } from '../proc/process-supervisor.js';
import type { RunEnvironment } from './run-environment.js';
import { httpCall } from './http-call.js';

/** The mock upstream running as a child process, and the orchestrator's handle on it. */
export class MockProcess {
  readonly process: SupervisedProcess;
  readonly port: number;

  private constructor(process: SupervisedProcess, port: number) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts `bench/.build/mock/main.js` pinned to `cpu` and waits for its ready line.
   *
   * @example
   * const mock = await MockProcess.start(env, env.layout.loadCpu, 'mock');
   * await mock.configure({ delayMs: 50, chunkDelayMs: 0 });
   */
  static async start(env: RunEnvironment, cpu: number, name: string): Promise<MockProcess> {
    const { command, args } = pinnedCommand(env.layout, cpu, process.execPath, [join(env.paths.build, 'mock', 'main.js')]);
    const child = env.supervisor.spawn({ name, command, args, capture: true, logFile: join(env.logDir, `${name}.log`) });
    const line = await child.waitForLine((text) => text.startsWith('{"ready":true'), 10_000);
    const ready = JSON.parse(line) as { port: number };
    return new MockProcess(child, ready.port);
  }

  get pid(): number {
    return this.process.pid;
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The base URL an OpenAI adapter (or Portkey's custom host) is given: the origin plus `/v1`. */
  get openAIBaseUrl(): string {
    return `${this.origin}/v1`;
  }

  async stats(): Promise<MockStats> {
    return JSON.parse((await httpCall(this.origin + MOCK_CONTROL.stats)).body) as MockStats;
  }

  async reset(): Promise<void> {
    await httpCall(this.origin + MOCK_CONTROL.reset, { method: 'POST' });
  }

  async configure(settings: MockSettings): Promise<void> {
    await httpCall(`${this.origin}${MOCK_CONTROL.settings}?delay_ms=${settings.delayMs}&chunk_delay_ms=${settings.chunkDelayMs}`, { method: 'POST' });
  }

  stop(): Promise<unknown> {
    return this.process.stop();
  }
}
