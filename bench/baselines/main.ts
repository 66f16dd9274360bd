// A baseline server of issue #12 as its own process (pinned to the server core by the harness):
//   node bench/.build/baselines/main.js --kind bare-proxy --upstream http://127.0.0.1:N/v1 [--port N]
//   node bench/.build/baselines/main.js --kind map-cache-hit | map-rate-limit [--port N]
// Prints one JSON line `{"ready":true,"port":N}` once it listens; SIGTERM/SIGINT stop it.
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { repoPaths } from '../repo-paths.js';
import { agentSystemPrompt } from '../requests/bench-requests.js';
import { BASELINE_KINDS, type BaselineKind } from './baseline-kind.js';
import { bareProxy } from './bare-proxy.js';
import { mapRoute } from './map-route.js';

const { values } = parseArgs({ options: { kind: { type: 'string' }, port: { type: 'string', default: '0' }, upstream: { type: 'string' } } });
const kind = values.kind as BaselineKind | undefined;
if (kind === undefined || !BASELINE_KINDS.includes(kind)) {
  process.stderr.write(`baselines: --kind must be one of ${BASELINE_KINDS.join(', ')}\n`);
  process.exit(2);
}

function build(kind: BaselineKind): FastifyInstance {
  switch (kind) {
    case 'bare-proxy':
      if (values.upstream === undefined) throw new Error('baselines: bare-proxy needs --upstream <the mock OpenAI base URL>');
      return bareProxy({ upstreamBaseUrl: values.upstream, systemPrompt: agentSystemPrompt(repoPaths().bench) });
    case 'map-cache-hit':
      return mapRoute('cache-hit');
    case 'map-rate-limit':
      return mapRoute('rate-limit');
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

const app = build(kind);
await app.listen({ port: Number(values.port), host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : Number(values.port);
process.stdout.write(JSON.stringify({ ready: true, port, pid: process.pid }) + '\n');

const stop = (): void => {
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
