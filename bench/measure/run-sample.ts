/** Latency summary of one run, milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One measured repetition of one target at one load. */
export interface RunSample {
  /** Answers received in the window (any status). */
  readonly requests: number;
  /** Achieved throughput (closed loop), or the offered rate actually sent (open loop). */
  readonly rps: number;
  readonly latencyMs: LatencySummary;
  /** Streams: until the first token. */
  readonly firstTokenMs?: LatencySummary;
  /** Transport errors, timeouts and unexpected statuses (>= 400 other than an expected 429). */
  readonly errors: number;
  /** What the errors were (`status 503`, `timeout`, `UND_ERR_SOCKET: other side closed`) → count. */
  readonly errorReasons?: Readonly<Record<string, number>>;
  /** 429 answers (counted where the scenario expects them). */
  readonly rejected?: number;
  /** `X-Cache: HIT` answers (counted where the scenario expects them). */
  readonly cacheHits?: number;
  /** The server's user + system CPU over the window divided by the answers; undefined when not measurable. */
  readonly cpuUsPerRequest?: number;
  /** The server's CPU use over the window, in % of one core (100 = the core was saturated). */
  readonly cpuPercent?: number;
  /** The server's VmRSS right after the window. */
  readonly rssMiB?: number;
  /** Model requests the mock received during the window. */
  readonly upstreamCalls: number;
  /** Open loop: the generator's own lateness, p99 (it must stay small for the latencies to hold). */
  readonly sendLagP99Ms?: number;
}

/** What the upstream counter must show for a row to be right. */
export type UpstreamExpectation =
  /** Every answer cost one upstream call (cache misses; a few more are in flight at the end). */
  | 'every-request'
  /** Nothing reached the upstream (cache hits, 429s): proof that they were short-circuited. */
  | 'none';

/** One row of a result table: a target at one load, over all repetitions. */
export interface MeasuredRow {
  /** Stable key the targets look rows up by (`gateway`, `portkey`, `direct`, `gateway-redis`, ...). */
  readonly key: string;
  /** Shown in the table (`ossa-gateway (Redis)`). */
  readonly label: string;
  /** `c16`, `c64`, `200 req/s`. */
  readonly load: string;
  readonly loop: 'closed' | 'open';
  readonly samples: readonly RunSample[];
  readonly upstream: UpstreamExpectation;
}

/** Median, min and max of one metric across repetitions. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The spread of `pick` over the samples that have it; undefined when none has. */
export function spread(samples: readonly RunSample[], pick: (sample: RunSample) => number | undefined): Spread | undefined {
  const values = samples.map(pick).filter((value): value is number => value !== undefined && Number.isFinite(value)).sort((a, b) => a - b);
  if (values.length === 0) return undefined;
  const middle = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
  return { median, min: values[0]!, max: values[values.length - 1]! };
}

/** True when every sample's upstream count is what the row expects. */
export function upstreamHolds(row: MeasuredRow): boolean {
  return row.samples.every((sample) =>
    row.upstream === 'none' ? sample.upstreamCalls === 0 : sample.upstreamCalls >= sample.requests - sample.errors - (sample.rejected ?? 0),
  );
}
