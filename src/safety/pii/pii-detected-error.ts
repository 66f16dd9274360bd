import { AnswerError } from '../../util/answer-error.js';
import type { PiiType } from './pii-type.js';

/**
 * A request refused because it holds personal data and the agent's policy is `block`. HTTP
 * answers 422 `pii-detected`, naming the types found (never the values), in each surface's
 * error shape.
 */
export class PiiDetectedError extends AnswerError {
  override readonly name = 'PiiDetectedError';

  constructor(
    readonly agentName: string,
    /** The types found, in `PII_TYPES` order. */
    readonly types: readonly PiiType[],
    /** The setting that asked for the refusal. */
    readonly source: string,
  ) {
    super(`the request holds personal data of type ${types.join(', ')}, which agent "${agentName}" refuses (${source}.action: block); remove it or redact it before sending`);
  }
}
