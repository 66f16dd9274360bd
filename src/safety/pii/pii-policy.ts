import type { AgentDefinition, PiiAction } from '../../agents/agent-definition.js';
import type { PiiDetectionConfig } from '../../config/ossa-config.js';
import { PiiScanner } from './pii-scanner.js';
import type { PiiType } from './pii-type.js';

/** What one agent's requests are checked for, and what is done about a find. */
export interface PiiPolicy {
  readonly scanner: PiiScanner;
  readonly action: PiiAction;
  /** The answer is checked too (redacted for `redact` and `block`: it exists by then; counted for `warn`). */
  readonly applyToOutput: boolean;
  /** Where the policy comes from, for messages: `spec.safety.pii_detection` or `security.pii_detection`. */
  readonly source: 'spec.safety.pii_detection' | 'security.pii_detection';
}

/**
 * The policy of each agent: its manifest's `spec.safety.pii_detection` when it declares one
 * (`enabled: false` included: no checks), else the gateway's `security.pii_detection` when
 * enabled, else none. A manifest that leaves `apply_to_output` out takes the gateway's.
 * Agents asking for the same types share one scanner.
 */
export class PiiPolicies {
  readonly #defaults: PiiDetectionConfig;
  readonly #scanners = new Map<string, PiiScanner>();

  constructor(defaults: PiiDetectionConfig) {
    this.#defaults = defaults;
  }

  of(agent: AgentDefinition): PiiPolicy | undefined {
    const declared = agent.piiDetection;
    if (declared) {
      if (!declared.enabled || declared.types.length === 0) return undefined;
      return {
        scanner: this.#scanner(declared.types),
        action: declared.action,
        applyToOutput: declared.applyToOutput ?? this.#defaults.apply_to_output,
        source: 'spec.safety.pii_detection',
      };
    }
    const defaults = this.#defaults;
    if (!defaults.enabled || defaults.types.length === 0) return undefined;
    return { scanner: this.#scanner(defaults.types), action: defaults.action, applyToOutput: defaults.apply_to_output, source: 'security.pii_detection' };
  }

  #scanner(types: readonly PiiType[]): PiiScanner {
    const scanner = PiiScanner.build(types);
    const key = scanner.types.join(',');
    const shared = this.#scanners.get(key);
    if (shared) return shared;
    this.#scanners.set(key, scanner);
    return scanner;
  }
}
