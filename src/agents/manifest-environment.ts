import { VARIABLE_GUARD, type Environment, type GuardedEnvironment } from '../config/interpolate.js';
import type { OssaConfig } from '../config/ossa-config.js';
import type { SecretRedactor } from '../secrets/known-secrets.js';
import { DECRYPT_KEY_VARIABLE } from '../secrets/open-configured-vault.js';

/** `manifest_env`'s default: the variables a manifest's llm block may read. */
export const DEFAULT_MANIFEST_ENV: readonly string[] = ['OSSA_LLM_*', 'LLM_*'];

/**
 * Words that make a name look like a secret's (`ANTHROPIC_API_KEY`, `GITHUB_TOKEN`, `DB_PASSWORD`,
 * but not `OSSA_LLM_MAX_TOKENS`): a pattern never matches such a name; only an exact entry
 * in `manifest_env` allows it.
 */
const SECRET_WORDS = new Set(['KEY', 'APIKEY', 'SECRET', 'SECRETS', 'TOKEN', 'PASSWORD', 'PASSWD', 'PWD', 'PASS', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATE', 'AUTH', 'COOKIE', 'SESSION', 'DSN']);

function looksSecret(name: string): boolean {
  return name.toUpperCase().split('_').some((word) => SECRET_WORDS.has(word));
}

/**
 * The environment manifests are interpolated from. Manifests are often written by other teams
 * than the gateway's config, and what `${VAR}` gives in `spec.llm` is sent upstream as the
 * model name and shown by `GET /v1/agents`, so a manifest may read only:
 *
 * - variables `manifest_env` allows: exact names, or patterns with `*` (default `OSSA_LLM_*`,
 *   `LLM_*`); a pattern never matches a name that looks like a secret's (a `_KEY`, `_TOKEN`,
 *   `_SECRET`, `_PASSWORD`, ... word in it), which only an exact entry allows;
 * - and never a variable the config reads a secret from (`api_key: ${ANTHROPIC_API_KEY}`,
 *   `OSSA_SECRETS_DECRYPT_KEY`, ...) nor one whose value holds one of the gateway's secrets,
 *   whatever `manifest_env` says.
 *
 * Anything else is a load error at the placeholder's position (`file:line:column`), default
 * value or not.
 *
 * @example
 * const registry = AgentRegistry.load(paths, { autoDiscover: true, env: manifestEnvironment(config, process.env, secrets) });
 */
export function manifestEnvironment(config: Pick<OssaConfig, 'manifest_env' | 'providers' | 'security' | 'observability'>, env: Environment, secrets?: SecretRedactor): GuardedEnvironment {
  const allowed = config.manifest_env;
  const exact = new Set(allowed.filter((entry) => !entry.includes('*')));
  const patterns = allowed.filter((entry) => entry.includes('*')).map(globToRegExp);
  const secretVariables = configSecretVariables(config);
  const listed = allowed.length === 0 ? 'manifest_env is empty' : `manifest_env allows ${allowed.join(', ')}`;
  const guarded: GuardedEnvironment = {
    ...env,
    [VARIABLE_GUARD]: (name) => {
      const usedFor = secretVariables.get(name);
      if (usedFor !== undefined) return { reason: `the config reads the secret ${usedFor} from it, and a manifest may never read one` };
      const value = env[name];
      if (value !== undefined && secrets?.contains(value)) return { reason: "its value holds one of the gateway's secrets" };
      if (exact.has(name)) return undefined;
      if (patterns.some((pattern) => pattern.test(name))) {
        if (!looksSecret(name)) return undefined;
        return { reason: `its name looks like a secret's, and ${listed} by pattern only`, hint: `to allow it, list it by its exact name in manifest_env in ossa.yaml` };
      }
      return { reason: `${listed}`, hint: `add it to manifest_env in ossa.yaml if the manifest may read it` };
    },
  };
  return guarded;
}

/** Each variable a secret-valued key of the config reads, and the key path (the first one). */
function configSecretVariables(config: Pick<OssaConfig, 'providers' | 'security' | 'observability'>): Map<string, string> {
  const found = new Map<string, string>([[DECRYPT_KEY_VARIABLE, 'the vault\'s private key']]);
  const scan = (path: string, reference: string | undefined): void => {
    if (reference === undefined) return;
    for (const match of reference.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) if (!found.has(match[1]!)) found.set(match[1]!, path);
  };
  for (const [name, provider] of Object.entries(config.providers)) scan(`providers.${name}.api_key`, provider.api_key);
  config.security.clients.forEach((client, i) => scan(`security.clients[${i}].key`, client.key));
  config.security.admin_keys.forEach((key, i) => scan(`security.admin_keys[${i}]`, key));
  scan('observability.metrics_token', config.observability.metrics_token);
  return found;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}
