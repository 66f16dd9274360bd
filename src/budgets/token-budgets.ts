import { SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { BudgetsConfig } from '../config/ossa-config.js';
import type { EventDispatcher } from '../events/event-dispatcher.js';
import { ThrottledWarning } from '../observability/throttled-warning.js';
import { SPAN_NAMES, withSpan } from '../observability/tracing/with-span.js';
import { userKeyPart } from '../rate-limit/bucket-shape.js';
import { BudgetExceededError } from './budget-errors.js';
import { rulesOfAgent, rulesOfConfig, toUsd, type BudgetRule, type BudgetScope } from './budget-rule.js';
import type { BudgetCharge, BudgetReading, BudgetStore } from './budget-store.js';
import { SETTLE_GRACE_MS, windowAt } from './budget-window.js';

/** Who is spending, on which agent. */
export interface BudgetSubject {
  readonly agent: AgentDefinition;
  /** The user's id (`anonymous` when none). */
  readonly userId: string;
  /** The authenticated client (`security.clients[].id`), whose `budgets.clients.<id>` applies. */
  readonly clientId?: string;
}

/** What a request may use (its reservation) or did use (its settlement). */
export interface BudgetAmount {
  /** Input + output tokens. */
  readonly tokens: number;
  /** Their cost in micro-USD (0 without a price). */
  readonly microUsd: number;
}

/** A budget counter of one request: the rule, its counter in the current window, what it holds. */
interface HeldCharge extends BudgetCharge {
  readonly rule: BudgetRule;
  readonly subject: string;
}

/** What a request holds until it is settled; settling twice is a no-op. */
export class BudgetReservation {
  settled = false;
  constructor(
    /** Empty when the store failed and the request was admitted unchecked (`fail_open`). */
    readonly charges: readonly HeldCharge[],
    readonly agent: string,
  ) {}
}

/** What the budgets decided for one request. */
export type BudgetVerdict =
  | { readonly outcome: 'reserved'; readonly reservation: BudgetReservation }
  | { readonly outcome: 'rejected'; readonly error: BudgetExceededError }
  /** The store failed: `admitted` is `budgets.fail_open`. */
  | { readonly outcome: 'store-failed'; readonly admitted: boolean };

/** One budget against its spend in the current window, for `/status` and the metrics. */
export interface BudgetStatus {
  readonly budget: string;
  readonly scope: BudgetScope;
  /** The agent's name, the client's id, or `global`. */
  readonly subject: string;
  readonly unit: 'tokens' | 'usd';
  readonly limit: number;
  /** Settled usage in the window. */
  readonly spent: number;
  /** Held by requests in flight. */
  readonly held: number;
  /** When the window ends and the budget starts again (ISO 8601). */
  readonly resets_at: string;
}

/** The store, the limits, and where the budgets report. */
export interface TokenBudgetsOptions {
  readonly store: BudgetStore;
  readonly config: BudgetsConfig;
  readonly events: EventDispatcher;
  readonly logger: Logger;
  /** Epoch milliseconds: which window a request counts in. Injectable for tests. */
  readonly now?: () => number;
}

/** When several budgets refuse, the one named is the most specific: the user's own first. */
const BLAME_ORDER: readonly BudgetScope[] = ['user', 'client', 'agent', 'global'];

/**
 * Token and cost budgets per user, client key, agent (its manifest's `spec.constraints.cost`)
 * and the whole gateway, each in fixed UTC windows (a minute, a day). A request `reserve`s its
 * worst case in every budget that applies, in one atomic store call, and is admitted only if
 * it fits in all of them; after the upstream call it is `settle`d with what it really used,
 * which frees the rest. So concurrent requests, in one process or many on one Redis, never
 * hold more than a budget between them. A store that fails admits (`fail_open: true`, the
 * default) or refuses (`fail_open: false`), logged at most once per 10 s and dispatched as
 * `store.error`, as the rate limiter does.
 *
 * The window is taken from this process's clock (the counters' keys name it), so processes
 * whose clocks differ by a few milliseconds disagree only for those milliseconds at midnight.
 */
export class TokenBudgets {
  private readonly user: readonly BudgetRule[];
  private readonly global: readonly BudgetRule[];
  private readonly clients = new Map<string, readonly BudgetRule[]>();
  private readonly agentRules = new WeakMap<AgentDefinition, readonly BudgetRule[]>();
  private readonly outage: ThrottledWarning;
  private readonly now: () => number;
  /** Requests admitted without a check because the store failed. */
  failOpenAdmissions = 0;
  /** Requests refused because the store failed (`fail_open: false`). */
  failClosedRejections = 0;

  constructor(private readonly options: TokenBudgetsOptions) {
    const { config } = options;
    this.user = rulesOfConfig('user', 'budgets.user', config.user);
    this.global = rulesOfConfig('global', 'budgets.global', config.global);
    for (const [id, limits] of Object.entries(config.clients)) this.clients.set(id, rulesOfConfig('client', `budgets.clients.${id}`, limits));
    this.now = options.now ?? Date.now;
    this.outage = new ThrottledWarning(options.logger);
  }

  get backend(): BudgetStore['backend'] {
    return this.options.store.backend;
  }

  /** Whether any budget could apply to a request for `agent` (else the layer lets it pass untouched). */
  applies(agent: AgentDefinition): boolean {
    return this.user.length > 0 || this.global.length > 0 || this.clients.size > 0 || this.rulesOfAgent(agent).length > 0;
  }

  /** Every budget a request counts against, user first, each with the counter's subject part. */
  rulesFor(subject: BudgetSubject): { rule: BudgetRule; subject: string }[] {
    const rules: { rule: BudgetRule; subject: string }[] = [];
    for (const rule of this.user) rules.push({ rule, subject: `user:${userKeyPart(subject.userId)}` });
    const client = subject.clientId === undefined ? undefined : this.clients.get(subject.clientId);
    for (const rule of client ?? []) rules.push({ rule, subject: `client:${subject.clientId!}` });
    for (const rule of this.rulesOfAgent(subject.agent)) rules.push({ rule, subject: `agent:${subject.agent.name}` });
    for (const rule of this.global) rules.push({ rule, subject: 'global' });
    return rules;
  }

  /**
   * Holds `worst` in every budget that applies, inside an `ossa.budget.reserve` span: all or
   * nothing. Refused: the most specific budget that is short, and `Retry-After` to the end of
   * the latest window among those that are short.
   */
  async reserve(subject: BudgetSubject, worst: BudgetAmount): Promise<BudgetVerdict> {
    const now = this.now();
    const charges: HeldCharge[] = this.rulesFor(subject).map(({ rule, subject: part }) => {
      const window = windowAt(rule.window, now);
      return {
        rule,
        subject: part,
        key: `${part}:${rule.measure}:${rule.window}:${window.index}`,
        limit: rule.limit,
        amount: rule.measure === 'tokens' ? worst.tokens : worst.microUsd,
        ttlMs: window.endsAt - now + SETTLE_GRACE_MS,
      };
    });
    if (charges.length === 0) return { outcome: 'reserved', reservation: new BudgetReservation([], subject.agent.name) };
    return withSpan(SPAN_NAMES.budgetReserve, { 'ossa.agent': subject.agent.name, 'ossa.budget.backend': this.backend }, async (span) => {
      let result;
      try {
        result = await this.options.store.reserve(charges);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `budget store (${this.backend}) failed` });
        return this.storeFailed(error, 'reserve');
      }
      if (result.allowed) {
        this.report(charges, result.readings);
        this.options.events.dispatch({ type: 'budget.decision', agent: subject.agent.name, allowed: true });
        return { outcome: 'reserved', reservation: new BudgetReservation(charges, subject.agent.name) };
      }
      const short = charges.map((charge, i) => ({ charge, reading: result.readings[i]! })).filter(({ charge, reading }) => reading.spent + reading.held + charge.amount > charge.limit);
      const blamed = BLAME_ORDER.map((scope) => short.find((entry) => entry.charge.rule.scope === scope)).find((entry) => entry !== undefined) ?? short[0]!;
      const endsAt = Math.max(...short.map(({ charge }) => windowAt(charge.rule.window, now).endsAt));
      const retryAfterSeconds = Math.max(1, Math.ceil((endsAt - now) / 1000));
      span.setAttribute('ossa.budget.refused', blamed.charge.rule.name);
      this.options.events.dispatch({ type: 'budget.decision', agent: subject.agent.name, allowed: false, budget: blamed.charge.rule.name });
      const used = blamed.reading.spent + blamed.reading.held;
      return { outcome: 'rejected', error: new BudgetExceededError(blamed.charge.rule, used, blamed.charge.amount, retryAfterSeconds) };
    });
  }

  /**
   * Settles a reservation with what the request used (`nothing` refunds it all): each counter
   * lets go of what it held and adds the real usage. A store failure is logged, not thrown:
   * the answer has been given already.
   */
  async settle(reservation: BudgetReservation, used: BudgetAmount): Promise<void> {
    if (reservation.settled) return;
    reservation.settled = true;
    if (reservation.charges.length === 0) return;
    const settlements = reservation.charges.map((charge) => ({
      key: charge.key,
      held: charge.amount,
      spent: charge.rule.measure === 'tokens' ? Math.max(0, Math.ceil(used.tokens)) : Math.max(0, Math.ceil(used.microUsd)),
      ttlMs: charge.ttlMs,
    }));
    try {
      this.report(reservation.charges, await this.options.store.settle(settlements));
    } catch (error) {
      this.storeFailed(error, 'settle');
    }
  }

  /**
   * Each budget of the agents, the configured clients and the gateway against its spend in the
   * current window (user budgets are one per user: not listed).
   */
  async status(agents: readonly AgentDefinition[]): Promise<BudgetStatus[]> {
    const now = this.now();
    const rows: { rule: BudgetRule; subject: string; label: string }[] = [];
    const seen = new Set<string>();
    for (const agent of agents) {
      if (seen.has(agent.name)) continue;
      seen.add(agent.name);
      for (const rule of this.rulesOfAgent(agent)) rows.push({ rule, subject: `agent:${agent.name}`, label: agent.name });
    }
    for (const [id, rules] of this.clients) for (const rule of rules) rows.push({ rule, subject: `client:${id}`, label: id });
    for (const rule of this.global) rows.push({ rule, subject: 'global', label: 'global' });
    const keys = rows.map(({ rule, subject }) => `${subject}:${rule.measure}:${rule.window}:${windowAt(rule.window, now).index}`);
    const readings = await this.options.store.read(keys);
    return rows.map(({ rule, label }, i) => statusOf(rule, label, readings[i]!, windowAt(rule.window, now).endsAt));
  }

  private rulesOfAgent(agent: AgentDefinition): readonly BudgetRule[] {
    let rules = this.agentRules.get(agent);
    if (rules === undefined) {
      rules = rulesOfAgent(agent.cost);
      this.agentRules.set(agent, rules);
    }
    return rules;
  }

  /** Tells the metrics the spend of every budget except users' (one series per user would be unbounded). */
  private report(charges: readonly HeldCharge[], readings: readonly BudgetReading[]): void {
    const now = this.now();
    charges.forEach((charge, i) => {
      if (charge.rule.scope === 'user') return;
      const reading = readings[i];
      if (!reading) return;
      const label = charge.rule.scope === 'global' ? 'global' : charge.subject.slice(charge.subject.indexOf(':') + 1);
      this.options.events.dispatch({ type: 'budget.spend', ...statusOf(charge.rule, label, reading, windowAt(charge.rule.window, now).endsAt) });
    });
  }

  private storeFailed(error: unknown, operation: 'reserve' | 'settle'): BudgetVerdict {
    const err = error instanceof Error ? error : new Error(String(error));
    const admitted = this.options.config.fail_open;
    if (operation === 'reserve') {
      if (admitted) this.failOpenAdmissions++;
      else this.failClosedRejections++;
    }
    this.options.events.dispatch({ type: 'store.error', store: 'budget', backend: this.backend, operation, error: err });
    this.outage.warn(
      { store: 'budget', backend: this.backend, operation, error: err.message, fail_open: admitted },
      operation === 'settle'
        ? `budget store (${this.backend}) failed to settle a request's usage: its reservation stays held until the window ends: ${err.message}`
        : `budget store (${this.backend}) failed: ${admitted ? 'admitting requests unchecked (fail_open)' : 'refusing requests with 503 (fail_open: false)'}: ${err.message}`,
    );
    return { outcome: 'store-failed', admitted };
  }
}

function statusOf(rule: BudgetRule, subject: string, reading: BudgetReading, endsAt: number): BudgetStatus {
  const cost = rule.measure === 'cost';
  return {
    budget: rule.name,
    scope: rule.scope,
    subject,
    unit: cost ? 'usd' : 'tokens',
    limit: cost ? toUsd(rule.limit) : rule.limit,
    spent: cost ? toUsd(reading.spent) : reading.spent,
    held: cost ? toUsd(reading.held) : reading.held,
    resets_at: new Date(endsAt).toISOString(),
  };
}
