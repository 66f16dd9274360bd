import { PII_TYPES, toPiiType, type PiiType } from '../safety/pii/pii-type.js';
import type { AgentPiiDetection, PiiAction } from './agent-definition.js';
import { describeType, dig, isRecord, type FieldProblem, type JsonRecord } from './manifest-values.js';

const ACTIONS: readonly PiiAction[] = ['warn', 'block', 'redact'];
/** How strict each action is, to combine two declarations: the stricter wins. */
const STRICTNESS: Readonly<Record<PiiAction, number>> = { warn: 0, redact: 1, block: 2 };

/** Where manifests declare PII detection: the schema's place, and the reference agents' `guardrails` one. */
const PLACES = [
  ['spec', 'safety', 'pii_detection'],
  ['spec', 'safety', 'guardrails', 'pii_detection'],
] as const;

/** What reading a manifest's PII settings found. */
export interface PiiDetectionReading {
  /** Absent: the manifest declares none (the gateway's default applies). */
  readonly detection?: AgentPiiDetection;
  readonly errors: FieldProblem[];
  /** Types declared that the gateway does not detect (`password`, `name`), at their key path. */
  readonly warnings: FieldProblem[];
}

/**
 * Reads `spec.safety.pii_detection` (`{enabled, types, action, apply_to_output}`; the
 * reference agents' `categories` for `types`, and v0.2's `log` for `warn`) and the reference
 * agents' `spec.safety.guardrails.pii_detection`. Both declared: their types are joined and
 * the stricter action applies. `enabled` defaults to true (a declared block asks for
 * detection), `types` to every type the gateway detects, `action` to `redact` (the OSSA
 * schema's default). A declared type the gateway does not detect is a warning naming it.
 */
export function readPiiDetection(doc: JsonRecord): PiiDetectionReading {
  const errors: FieldProblem[] = [];
  const warnings: FieldProblem[] = [];
  const found: AgentPiiDetection[] = [];
  for (const place of PLACES) {
    const value = dig(doc, ...place);
    if (value === undefined || value === null) continue;
    if (place.length === 4 && dig(doc, 'spec', 'safety', 'guardrails', 'enabled') === false) continue;
    const read = readOne(value, [...place], errors, warnings);
    if (read) found.push(read);
  }
  if (found.length === 0) return { errors, warnings };
  const enabled = found.filter((one) => one.enabled);
  if (enabled.length === 0) return { detection: found[0]!, errors, warnings };
  const types = PII_TYPES.filter((type) => enabled.some((one) => one.types.includes(type)));
  const action = enabled.map((one) => one.action).reduce((a, b) => (STRICTNESS[b] > STRICTNESS[a] ? b : a));
  const applyToOutput = enabled.some((one) => one.applyToOutput === true) ? true : enabled.some((one) => one.applyToOutput === false) ? false : undefined;
  return { detection: { enabled: true, types, action, ...(applyToOutput !== undefined ? { applyToOutput } : {}) }, errors, warnings };
}

function readOne(value: unknown, base: (string | number)[], errors: FieldProblem[], warnings: FieldProblem[]): AgentPiiDetection | undefined {
  if (!isRecord(value)) {
    errors.push({ path: base, message: `expected a mapping {enabled, types, action}, got ${describeType(value)}` });
    return undefined;
  }
  const before = errors.length;
  const enabled = value['enabled'] ?? true;
  if (typeof enabled !== 'boolean') errors.push({ path: [...base, 'enabled'], message: `expected true or false, got ${describeType(enabled)}` });

  const rawAction = value['action'] ?? 'redact';
  const action: PiiAction | undefined = rawAction === 'log' ? 'warn' : ACTIONS.includes(rawAction as PiiAction) ? (rawAction as PiiAction) : undefined;
  if (action === undefined) errors.push({ path: [...base, 'action'], message: `expected one of ${ACTIONS.join(', ')}, got ${describeType(rawAction)}` });

  const applyToOutput = value['apply_to_output'];
  if (applyToOutput !== undefined && typeof applyToOutput !== 'boolean') {
    errors.push({ path: [...base, 'apply_to_output'], message: `expected true or false, got ${describeType(applyToOutput)}` });
  }

  const key = value['types'] !== undefined ? 'types' : value['categories'] !== undefined ? 'categories' : undefined;
  let types: PiiType[] = [...PII_TYPES];
  if (key !== undefined) {
    const listed = value[key];
    if (!Array.isArray(listed)) {
      errors.push({ path: [...base, key], message: `expected a list of PII types (${PII_TYPES.join(', ')}), got ${describeType(listed)}` });
    } else {
      types = [];
      listed.forEach((name, i) => {
        const type = typeof name === 'string' ? toPiiType(name) : undefined;
        if (type !== undefined) {
          if (!types.includes(type)) types.push(type);
        } else if (typeof name === 'string') {
          warnings.push({ path: [...base, key, i], message: `PII type "${name}" is not detected by ossa-gateway (it detects ${PII_TYPES.join(', ')})` });
        } else {
          errors.push({ path: [...base, key, i], message: `expected the name of a PII type, got ${describeType(name)}` });
        }
      });
    }
  }
  if (errors.length > before || action === undefined) return undefined;
  return { enabled: enabled === true && types.length > 0, types, action, ...(typeof applyToOutput === 'boolean' ? { applyToOutput } : {}) };
}
