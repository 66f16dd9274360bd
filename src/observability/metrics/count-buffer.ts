import type { Counter, LabelValues } from 'prom-client';

interface Series<L extends string> {
  readonly labels: LabelValues<L>;
  count: number;
}

/**
 * Counts of one counter kept per label set, added to the counter when it is read (its
 * `collect`, which prom-client calls at every scrape and `get()`). A request then does a Map
 * lookup and a field increment: prom-client's `inc` with a label object validates and hashes
 * the labels each time (~1-2 µs; its `labels()` children hash too). Label sets are bounded
 * (they pass the `LabelGuard`), so the map is.
 *
 * @example
 * const counts = new CountBuffer<'agent' | 'outcome'>();
 * new Counter({ name, help, labelNames: ['agent', 'outcome'], collect() { counts.flushInto(this); } });
 * counts.inc({ agent, outcome }, agent, outcome);
 */
export class CountBuffer<L extends string> {
  // Nested maps keyed by the label values themselves: a key joined into one string cost a
  // flatten and a hash per call (~0.4 µs, half prom-client's `inc`).
  private readonly tree = new Map<string, Map<string, Map<string, Series<L>>>>();
  private readonly all: Series<L>[] = [];

  /**
   * Counts one more for `labels`, whose values are `a`, `b`, `c` (in label order; `c` unused
   * with two labels). `labels` is kept the first time these values are seen.
   */
  inc(labels: LabelValues<L>, a: string, b: string, c = ''): void {
    let byB = this.tree.get(a);
    if (byB === undefined) this.tree.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    const series = byC.get(c);
    if (series !== undefined) {
      series.count += 1;
      return;
    }
    const created = { labels, count: 1 };
    byC.set(c, created);
    this.all.push(created);
  }

  /** Adds what was counted since the last flush to `counter`. */
  flushInto(counter: Counter<L>): void {
    for (const series of this.all) {
      if (series.count === 0) continue;
      counter.inc(series.labels, series.count);
      series.count = 0;
    }
  }
}
