import type { BudgetsConfig } from '../config/ossa-config.js';

/** USD per million tokens (which is micro-USD per token). */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

/**
 * `budgets.prices`: what a model's tokens cost, by provider name and model. Costs are counted
 * in whole micro-USD (rounded up), so a budget's counter is an integer Redis can add atomically.
 */
export class PriceTable {
  constructor(private readonly prices: BudgetsConfig['prices']) {}

  /** The price of `model` on `provider`, if the table has one. */
  priceOf(provider: string, model: string): ModelPrice | undefined {
    return this.prices[provider]?.[model];
  }

  /** Micro-USD for these tokens at `price` (none: free). */
  static microUsd(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number {
    if (!price) return 0;
    return Math.ceil(inputTokens * price.input + outputTokens * price.output);
  }
}
