// The mock upstream as its own process (pinned to the load core by the harness):
//   node bench/.build/mock/main.js [--port N] [--delay-ms N] [--chunk-delay-ms N]
// Prints one JSON line `{"ready":true,"port":N}` once it listens; SIGTERM/SIGINT stop it.
import { parseArgs } from 'node:util';
import { MockUpstream } from './mock-upstream.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'delay-ms': { type: 'string', default: '0' }, 'chunk-delay-ms': { type: 'string', default: '0' } },
});
const mock = new MockUpstream({ delayMs: Number(values['delay-ms']), chunkDelayMs: Number(values['chunk-delay-ms']) });
const port = await mock.listen(Number(values.port));
process.stdout.write(JSON.stringify({ ready: true, port, pid: process.pid }) + '\n');

const stop = (): void => {
  void mock.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
