import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinnedCommand } from '../proc/cpu-pinning.js';
import { freePort } from '../proc/free-port.js';
import { waitForHttp } from './http-call.js';
import type { RunEnvironment } from './run-environment.js';
import type { ServerUnderTest } from './server-under-test.js';

/** Where the devDependency `@portkey-ai/gateway` keeps its Node server, and its version. */
export interface PortkeyInstall {
  readonly script: string;
  readonly version: string;
}

/** The installed Portkey gateway, or why it cannot run. */
export function findPortkey(root: string): PortkeyInstall | { readonly missing: string } {
  const dir = join(root, 'node_modules', '@portkey-ai', 'gateway');
  const script = join(dir, 'build', 'start-server.js');
  if (!existsSync(script)) return { missing: '@portkey-ai/gateway is not installed (npm install: it is a devDependency)' };
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
  return { script, version: manifest.version ?? 'unknown' };
}

/**
 * Starts Portkey's gateway (`build/start-server.js --port=N --headless`) on the server core,
 * as its README runs it, and waits until it answers. Requests reach the mock through the
 * `x-portkey-provider: openai` and `x-portkey-custom-host` headers (see bench-requests.ts).
 */
export async function startPortkey(env: RunEnvironment, install: PortkeyInstall, name: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const { command, args } = pinnedCommand(env.layout, env.layout.serverCpu, process.execPath, [install.script, `--port=${port}`, '--headless']);
  const child = env.supervisor.spawn({ name, command, args, cwd: env.tmpDir, logFile: join(env.logDir, `${name}.log`), env: { NODE_ENV: 'production' } });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${origin}/`, 20_000, () => child.running);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const shown = env.layout.pinned ? `taskset -c ${env.layout.serverCpu} ` : '';
  return {
    kind: 'portkey',
    pid: child.pid,
    origin,
    command: `${shown}node node_modules/@portkey-ai/gateway/build/start-server.js --port=${port} --headless`,
    stop: () => child.stop(5_000),
  };
}
