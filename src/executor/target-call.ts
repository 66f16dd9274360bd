import { withBasePrompt } from '../agents/build-prompt.js';
import type { ModelCall } from '../providers/provider.js';
import type { TargetSettings } from './target-settings.js';

/** What the executor built a call from: the first usable target's prompt and sampling. */
export interface CallBasis {
  readonly systemPrompt?: string;
  readonly temperature: number;
  readonly maxTokens: number;
}

/**
 * How the chain adapts the executor's call to one target, or undefined when the target is
 * asked exactly as the call says. The executor builds the call from the first usable target;
 * another target may have its own system prompt (a vendor extension's), temperature and max
 * tokens (a fallback entry's, the vendor's default) and stop sequences. What the client asked
 * for (`meta.requested`) still applies over them: a temperature as asked, max tokens never
 * above the target's.
 */
export function targetCallShaper(settings: TargetSettings, basis: CallBasis): ((call: ModelCall) => ModelCall) | undefined {
  const samePrompt = basis.systemPrompt === undefined || basis.systemPrompt === settings.systemPrompt;
  if (samePrompt && settings.temperature === basis.temperature && settings.maxTokens === basis.maxTokens && settings.stop === undefined) return undefined;
  return (call) => {
    const requested = call.meta.requested;
    return {
      ...call,
      system: samePrompt ? call.system : withBasePrompt(call.system, basis.systemPrompt!, settings.systemPrompt),
      temperature: Math.min(2, Math.max(0, requested?.temperature ?? settings.temperature)),
      maxTokens: Math.max(1, Math.min(requested?.maxTokens ?? settings.maxTokens, settings.maxTokens)),
      ...(call.stop === undefined && settings.stop ? { stop: settings.stop } : {}),
    };
  };
}
