/** The fixed windows a budget counts in, in UTC: a new window starts empty. */
export type BudgetWindow = 'minute' | 'day';

const WINDOW_MS: Record<BudgetWindow, number> = { minute: 60_000, day: 86_400_000 };

/** Counters outlive their window by this much, so a request settled just after the window ended still finds its counter. */
export const SETTLE_GRACE_MS = 10 * 60_000;

/** The window holding `now`: its number since the epoch (part of the counter's key) and when it ends. */
export function windowAt(window: BudgetWindow, now: number): { readonly index: number; readonly endsAt: number } {
  const length = WINDOW_MS[window];
  const index = Math.floor(now / length);
  return { index, endsAt: (index + 1) * length };
}
