/**
 * The kinds of personal data the gateway finds, as manifests name them
 * (`spec.safety.pii_detection.types`). Each has a detector in this folder.
 */
export const PII_TYPES = ['email', 'phone', 'credit_card', 'ssn', 'iban', 'ip_address', 'api_key'] as const;

export type PiiType = (typeof PII_TYPES)[number];

/** Other names real manifests use for the same types. */
const ALIASES: Readonly<Record<string, PiiType>> = {
  ip: 'ip_address',
  phone_number: 'phone',
  email_address: 'email',
  creditcard: 'credit_card',
  card: 'credit_card',
};

/** `name` (a manifest's or the config's, any case) as a type the gateway detects; `undefined` for one it does not (`password`, `name`). */
export function toPiiType(name: string): PiiType | undefined {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (PII_TYPES as readonly string[]).includes(key) ? (key as PiiType) : ALIASES[key];
}

/** What a found value of `type` is replaced with: `[REDACTED:EMAIL]`. */
export function redactionMarker(type: PiiType): string {
  return `[REDACTED:${type.toUpperCase()}]`;
}

/** How many values of each type were found (types with none are absent). */
export type PiiCounts = Partial<Record<PiiType, number>>;
