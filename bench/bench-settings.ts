import { parseArgs } from 'node:util';

/** Every scenario, in the order a run goes through them. */
export const SCENARIO_IDS = ['mock-capacity', 'cache-miss', 'fixed-rate', 'cache-hit', 'rate-limit', 'circuit-open', 'streaming', 'tool-loop', 'workers', 'soak'] as const;
/** The name `--only` takes for a scenario. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** How long and how hard a run measures. */
export interface BenchSettings {
  readonly mode: 'full' | 'quick';
  /** The command line as typed (for the report). */
  readonly argv: readonly string[];
  readonly repetitions: number;
  /** Seconds per measured repetition (whole seconds: wrk's resolution). */
  readonly durationS: number;
  /** Seconds of the same load before the first repetition (JIT, pools, caches). */
  readonly warmupS: number;
  readonly concurrencies: readonly number[];
  /** Run Portkey beside the gateway (full mode, unless --no-portkey). */
  readonly portkey: boolean;
  readonly scenarios: ReadonlySet<ScenarioId>;
  /** The fixed-rate scenario: offered rate and the mock's answer delay. */
  readonly fixedRate: { readonly rate: number; readonly upstreamDelayMs: number };
  /** The streaming scenario: offered rate, the mock's delay before the first byte and between deltas. */
  readonly streaming: { readonly rate: number; readonly firstByteDelayMs: number; readonly chunkDelayMs: number };
  readonly soak: { readonly rate: number; readonly durationS: number; readonly sampleEveryS: number; readonly upstreamDelayMs: number };
  /** Where the markdown report goes (absolute or relative to the repository root). */
  readonly out: string | undefined;
  readonly gatewayLogLevel: string;
  readonly profile: boolean;
  readonly redisUrl: string;
  /** Another `ossa-gateway` bin to measure (e.g. a checkout of main, for a before/after); default this repository's. */
  readonly gatewayBin: string | undefined;
}

/** `npm run bench -- --help` */
export const USAGE = `Usage: npm run bench [-- options]        (full: ~15 min, writes docs/BENCHMARKS.md)
       npm run bench:quick [-- options]  (quick: ~1 min, 1 repetition of 1 s, no Portkey)

  --quick              the quick mode (what CI runs): proves the harness works, measures nothing reliable
  --only ID[,ID...]    run only these scenarios: ${SCENARIO_IDS.join(', ')}
  --soak               add the memory soak (5 minutes at 1,000 req/s; not part of the default run)
  --soak-seconds N     soak length (default 300)      --soak-rate N   soak rate (default 1000)
  --no-portkey         leave Portkey out
  --repetitions N      measured repetitions per row (default 3; quick 1)
  --duration S         seconds per repetition (default 10; quick 1)
  --warmup S           seconds of warm-up per row (default 5; quick 0)
  --out FILE           where the markdown report goes (default docs/BENCHMARKS.md; quick: bench/results/<run>/BENCHMARKS.md)
  --log-level LEVEL    the gateway's log level during the run (default warn)
  --profile            run the gateway with --cpu-prof; profiles go to bench/results/<run>/profiles
  --redis-url URL      Redis for the Redis-store rows (default redis://127.0.0.1:6379)
  --gateway-bin FILE   measure another build's bin/ossa-gateway.js (e.g. a checkout of main, for a before/after)`;

/** Parses the harness's command line; throws on a bad flag. Returns undefined for --help. */
export function parseBenchSettings(argv: readonly string[]): BenchSettings | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      soak: { type: 'boolean', default: false },
      'soak-seconds': { type: 'string' },
      'soak-rate': { type: 'string' },
      'no-portkey': { type: 'boolean', default: false },
      repetitions: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      profile: { type: 'boolean', default: false },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      'gateway-bin': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick;
  const number = (name: string, raw: string | undefined, fallback: number, minimum: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < minimum) throw new Error(`bench: --${name} must be a number >= ${minimum}, got "${raw}"`);
    return value;
  };

  let scenarios = new Set<ScenarioId>(SCENARIO_IDS.filter((id) => id !== 'soak'));
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((id) => id.trim()).filter(Boolean);
    const unknown = wanted.filter((id) => !(SCENARIO_IDS as readonly string[]).includes(id));
    if (unknown.length > 0) throw new Error(`bench: unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_IDS.join(', ')})`);
    scenarios = new Set(wanted as ScenarioId[]);
  }
  if (values.soak) scenarios.add('soak');

  return {
    mode: quick ? 'quick' : 'full',
    argv,
    repetitions: Math.round(number('repetitions', values.repetitions, quick ? 1 : 3, 1)),
    durationS: Math.round(number('duration', values.duration, quick ? 1 : 10, 1)),
    // Quick mode measures nothing worth warming up for: it only has to stay under a minute.
    warmupS: Math.round(number('warmup', values.warmup, quick ? 0 : 5, 0)),
    concurrencies: [16, 64],
    portkey: !quick && !values['no-portkey'],
    scenarios,
    fixedRate: { rate: 200, upstreamDelayMs: 50 },
    streaming: { rate: 50, firstByteDelayMs: 20, chunkDelayMs: 10 },
    soak: { rate: number('soak-rate', values['soak-rate'], 1000, 1), durationS: number('soak-seconds', values['soak-seconds'], 300, 10), sampleEveryS: 5, upstreamDelayMs: 50 },
    out: values.out,
    gatewayLogLevel: values['log-level'],
    profile: values.profile,
    redisUrl: values['redis-url'],
    gatewayBin: values['gateway-bin'],
  };
}
