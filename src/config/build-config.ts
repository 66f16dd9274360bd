import { checkConfig, prepareProviders } from './config-checks.js';
import { isRecord, showValue, type ConfigProblem } from './config-problem.js';
import { OSSA_CONFIG_SCHEMA } from './config-schema.js';
import { validateConfigTree } from './config-validator.js';
import { normalizeValues } from './normalize-values.js';
import type { OssaConfig } from './ossa-config.js';

const TREE_KEYS = Object.keys(OSSA_CONFIG_SCHEMA.properties as Record<string, unknown>);

/** What `buildConfig` found: a config when there are no errors. */
export interface BuildResult {
  readonly config?: OssaConfig;
  readonly errors: ConfigProblem[];
  readonly warnings: ConfigProblem[];
}

/**
 * The steps from an interpolated `ossa:` tree (plain data, changed in place) to an
 * `OssaConfig`: implicit providers, schema and defaults, cross-checks, then sizes in bytes and
 * absolute paths. Every problem is collected; none stops the others from being found.
 */
export function buildConfig(tree: unknown, baseDir: string): BuildResult {
  const root = tree ?? {};
  if (!isRecord(root)) return { errors: [{ path: [], message: `expected a mapping of settings, got ${showValue(root)}` }], warnings: [] };
  prepareProviders(root);
  const schemaErrors = validateConfigTree(root);
  const findings = checkConfig(root);
  // A value the schema already rejected needs no second message from a cross-check.
  const rejected = new Set(schemaErrors.map((problem) => problem.path.join('\u0000')));
  const errors = [...schemaErrors, ...findings.errors.filter((problem) => !rejected.has(problem.path.join('\u0000')))];
  if (errors.length > 0) return { errors, warnings: findings.warnings };
  normalizeValues(root, baseDir);
  // Keys in the schema's (the README's) order, for anyone who prints the config.
  const ordered = Object.fromEntries(TREE_KEYS.filter((key) => key in root).map((key) => [key, root[key]]));
  // Validated against OSSA_CONFIG_SCHEMA (which mirrors OssaConfig) and cross-checked above.
  return { config: ordered as unknown as OssaConfig, errors, warnings: findings.warnings };
}
