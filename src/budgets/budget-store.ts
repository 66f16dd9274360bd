/**
 * One budget counter in one window, as a store sees it: the key names the budget and the
 * window (`agent:support:tokens:day:20424`), so a new window is a new, empty counter.
 */
export interface BudgetCharge {
  readonly key: string;
  /** The most `spent + held` may reach. */
  readonly limit: number;
  /** What this request holds (whole tokens, or whole micro-USD). */
  readonly amount: number;
  /** How long the counter must outlive this call: until its window ends, plus a margin. */
  readonly ttlMs: number;
}

/** What a reservation held, and what the request really used: `spent` replaces `held`. */
export interface BudgetSettlement {
  readonly key: string;
  readonly held: number;
  readonly spent: number;
  readonly ttlMs: number;
}

/** A counter's state: settled usage, and what requests in flight hold. */
export interface BudgetReading {
  readonly spent: number;
  readonly held: number;
}

export interface ReserveResult {
  /** Every charge fitted, and every one is now held; otherwise none is. */
  readonly allowed: boolean;
  /** Each counter after the call (before it, when refused), in the order of the charges. */
  readonly readings: readonly BudgetReading[];
}

/**
 * Where token and cost budgets are counted: in this process (`memory`) or in Redis, shared by
 * every gateway process (`redis`). A request holds its worst case with `reserve` before its
 * upstream call and `settle`s the real usage after; a refund is a settlement that spent
 * nothing. Each call is atomic over all its counters. Calls reject (throw) only when the store
 * itself cannot answer.
 */
export interface BudgetStore {
  readonly backend: 'memory' | 'redis';
  /** Holds `amount` of every counter if `spent + held + amount <= limit` for all of them; otherwise holds nothing. */
  reserve(charges: readonly BudgetCharge[]): Promise<ReserveResult>;
  /** Releases each `held` and adds each `spent`; returns the counters after. A counter whose window already ended (expired) is left alone (and reads zeros). */
  settle(settlements: readonly BudgetSettlement[]): Promise<readonly BudgetReading[]>;
  /** The counters' state (zeros for a counter nobody used). */
  read(keys: readonly string[]): Promise<readonly BudgetReading[]>;
}
