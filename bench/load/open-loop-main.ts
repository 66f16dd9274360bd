// The open-loop generator as its own process, pinned to the load core by the harness
// (bench/load/run-open-loop.ts drives it):
//   BENCH_OPEN_LOOP_SPEC='{"origin":...,"request":{...},"rate":200}' node bench/.build/load/open-loop-main.js
// Prints `BENCH_READY`, then for each stdin line `run <id> <seconds> <nonce>` runs that long
// and prints `BENCH_JSON <id> {...}` (an OpenLoopResult). End of input: it closes and exits.
import { createInterface } from 'node:readline';
import { OpenLoopGenerator, type OpenLoopSpec } from './open-loop.js';

const raw = process.env.BENCH_OPEN_LOOP_SPEC;
if (raw === undefined) {
  process.stderr.write('open-loop: BENCH_OPEN_LOOP_SPEC is not set\n');
  process.exit(2);
}
const generator = new OpenLoopGenerator(JSON.parse(raw) as OpenLoopSpec);
process.stdout.write('BENCH_READY\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, id, seconds, nonce] = line.trim().split(/\s+/);
  if (command !== 'run' || id === undefined || nonce === undefined || !(Number(seconds) > 0)) {
    process.stderr.write(`open-loop: expected "run <id> <seconds> <nonce>", got "${line}"\n`);
    continue;
  }
  const result = await generator.run(Number(seconds), nonce);
  process.stdout.write(`BENCH_JSON ${id} ${JSON.stringify(result)}\n`);
}
await generator.close();
