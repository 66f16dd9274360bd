import type { Logger } from 'pino';

/**
 * A warning that is logged at most once per interval, however often it happens: a dead Redis
 * fails every request, and one line per request would drown the log. Each line says how many
 * occurrences it stands for since the previous one.
 */
export class ThrottledWarning {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  /** Every occurrence since start, logged or not. */
  count = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one occurrence; logs it unless a line was written less than the interval ago. */
  warn(fields: Record<string, unknown>, message: string): void {
    this.count++;
    const now = this.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const since = this.suppressed;
    this.suppressed = 0;
    this.lastLoggedAt = now;
    this.logger.warn({ ...fields, ...(since > 0 ? { suppressed_since_last: since } : {}) }, message);
  }
}
