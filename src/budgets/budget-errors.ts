import { AnswerError } from '../util/answer-error.js';
import { formatAmount, type BudgetRule } from './budget-rule.js';

const WHOSE: Record<BudgetRule['scope'], string> = { user: 'your', client: "your client key's", agent: "this agent's", global: "the gateway's" };
const PER: Record<BudgetRule['window'], string> = { minute: 'a minute', day: 'a day (UTC)' };

/**
 * A request refused by a token or cost budget: its worst case (input estimate + max tokens)
 * does not fit in what is left of the window. HTTP answers 429 with `Retry-After` to the
 * window's end and the budget named (problem+json `budget-exceeded`, OpenAI's and Anthropic's
 * rate-limit errors).
 */
export class BudgetExceededError extends AnswerError {
  override readonly name = 'BudgetExceededError';

  constructor(
    /** The budget that refused (the most specific of those that did). */
    readonly rule: BudgetRule,
    /** Settled plus held in its window, before this request. */
    readonly used: number,
    /** What this request would have held. */
    readonly asked: number,
    /** Seconds until the window of every refusing budget has ended. */
    readonly retryAfterSeconds: number,
  ) {
    super(
      `${WHOSE[rule.scope]} budget ${rule.name} of ${formatAmount(rule.measure, rule.limit)} ${PER[rule.window]} has ${formatAmount(rule.measure, Math.max(0, rule.limit - used))} left, ` +
        `and this request may use up to ${formatAmount(rule.measure, asked)}${rule.measure === 'tokens' ? ' (its input and max_tokens)' : ''}; retry in ${retryAfterSeconds} s or ask for fewer max_tokens`,
    );
  }
}

/**
 * A request refused because the budgets' store failed and `budgets.fail_open` is false. HTTP
 * answers 503 `budget-unavailable` with `Retry-After: 1`.
 */
export class BudgetUnavailableError extends AnswerError {
  override readonly name = 'BudgetUnavailableError';

  constructor() {
    super('the token budgets cannot reach their store and are configured to refuse requests meanwhile (budgets.fail_open: false)');
  }
}

/**
 * A request whose input alone is estimated above the agent's `maxTokensPerRequest`: no answer
 * could fit. HTTP answers 400 (`input-too-long`), in each surface's shape.
 */
export class InputOverRequestBudgetError extends AnswerError {
  override readonly name = 'InputOverRequestBudgetError';

  constructor(
    readonly agentName: string,
    readonly estimatedInputTokens: number,
    readonly maxTokensPerRequest: number,
  ) {
    super(`the input is about ${estimatedInputTokens} tokens, more than agent "${agentName}" allows for a whole request (spec.constraints.cost.maxTokensPerRequest: ${maxTokensPerRequest}); send less`);
  }
}
