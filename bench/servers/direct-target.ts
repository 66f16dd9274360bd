import type { MockProcess } from './mock-process.js';
import type { RunEnvironment } from './run-environment.js';
import type { ServerUnderTest } from './server-under-test.js';

/**
 * The mock upstream itself as the target: the direct baseline. Its CPU and RSS are the
 * mock's; stopping it is left to whoever started the mock.
 */
export function directTarget(env: RunEnvironment, mock: MockProcess, cpu: number): ServerUnderTest {
  const pin = env.layout.pinned ? `taskset -c ${cpu} ` : '';
  return {
    kind: 'direct',
    pid: mock.pid,
    origin: mock.origin,
    command: `${pin}node bench/.build/mock/main.js --port ${mock.port}`,
    stop: () => Promise.resolve(),
  };
}
