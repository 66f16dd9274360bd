/** Smallest and largest latency a sketch tells apart, in milliseconds. */
const MIN_MS = 0.05;
const MAX_MS = 600_000;
/** Each bucket is 10% wider than the last: quantiles come back within about 5% of the truth. */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 1;

/**
 * A fixed-size latency histogram with geometric buckets: O(1) to record, O(buckets) to merge
 * and to read a quantile, never more than ~1.4 KB however many samples it holds. The status
 * page keeps one per second of its rolling window, so p50 and p95 cost no sorting and no
 * sample storage on the request path.
 */
export class LatencySketch {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;

  record(ms: number): void {
    this.counts[bucketOf(ms)]!++;
    this.total++;
  }

  /** Adds another sketch's samples to this one. */
  merge(other: LatencySketch): void {
    if (other.total === 0) return;
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
  }

  clear(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
  }

  /** The q-quantile (0 < q <= 1) in milliseconds, or null without samples. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return representative(i);
    }
    return representative(BUCKETS - 1);
  }
}

function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

/** The geometric middle of a bucket's bounds: the estimate with the smallest relative error. */
function representative(bucket: number): number {
  if (bucket === 0) return MIN_MS;
  const upper = MIN_MS * GROWTH ** bucket;
  return upper / Math.sqrt(GROWTH);
}
