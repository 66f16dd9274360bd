import { dig, isRecord, readNumber, type FieldProblem, type JsonRecord } from './manifest-values.js';

/** `spec.constraints.cost`, as the budgets enforce it. */
export interface AgentCostLimits {
  /** The most tokens one answer may ask for (a larger `max_tokens` is clamped to it); an input estimated above it alone is refused. */
  readonly maxTokensPerRequest?: number;
  /** Input and output tokens of every request to this agent, per UTC day. */
  readonly maxTokensPerDay?: number;
  /** USD per UTC day, priced by the config's `budgets.prices`. */
  readonly maxCostPerDay?: number;
}

const BASE = ['spec', 'constraints', 'cost'];

/**
 * Reads `spec.constraints.cost` (`maxTokensPerRequest`, `maxTokensPerDay`: whole numbers >= 1;
 * `maxCostPerDay`: a number > 0; `currency`: USD, the price table's). A cost in another
 * currency cannot be priced: it is left out, with a warning naming the field.
 */
export function readCostLimits(doc: JsonRecord): { limits?: AgentCostLimits; errors: FieldProblem[]; warnings: FieldProblem[] } {
  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const cost = dig(doc, ...BASE);
  if (!isRecord(cost)) return { errors, warnings };
  const whole = (key: string): number | undefined => readNumber(cost[key], [...BASE, key], { min: 1, integer: true }, errors);
  const maxTokensPerRequest = whole('maxTokensPerRequest');
  const maxTokensPerDay = whole('maxTokensPerDay');
  let maxCostPerDay = readNumber(cost['maxCostPerDay'], [...BASE, 'maxCostPerDay'], { min: 0 }, errors);
  if (maxCostPerDay === 0) {
    errors.push({ path: [...BASE, 'maxCostPerDay'], message: 'expected a number > 0, got 0 (to refuse every request, disable the agent)' });
    maxCostPerDay = undefined;
  }
  const currency = cost['currency'];
  if (maxCostPerDay !== undefined && currency !== undefined && (typeof currency !== 'string' || currency.toUpperCase() !== 'USD')) {
    warnings.push({ path: [...BASE, 'currency'], message: `maxCostPerDay in ${typeof currency === 'string' ? currency : 'an unknown currency'} is not enforced: budgets.prices is in USD` });
    maxCostPerDay = undefined;
  }
  const limits: AgentCostLimits = {
    ...(maxTokensPerRequest !== undefined ? { maxTokensPerRequest } : {}),
    ...(maxTokensPerDay !== undefined ? { maxTokensPerDay } : {}),
    ...(maxCostPerDay !== undefined ? { maxCostPerDay } : {}),
  };
  return { ...(Object.keys(limits).length > 0 ? { limits } : {}), errors, warnings };
}
