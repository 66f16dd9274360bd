import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../config/load-config.js';
import { formatIssue } from '../config/source-issue.js';
import { KnownSecrets } from '../secrets/known-secrets.js';
import { loadManifestText } from './load-manifest.js';
import { manifestEnvironment } from './manifest-environment.js';

const ENV = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-real-key-0123456789',
  OSSA_SECRETS_DECRYPT_KEY: 'vault-private-key-0123456789',
  OSSA_LLM_MODEL: 'claude-haiku',
  OSSA_LLM_MAX_TOKENS: '512',
  LLM_API_KEY: 'some-other-key-0123456789',
  LLM_MODEL_COPY: 'sk-ant-api03-real-key-0123456789',
  HOME: '/home/gateway',
};

function config(extra: Record<string, unknown> = {}) {
  return normalizeConfig({ providers: { anthropic: { api_key: '${ANTHROPIC_API_KEY}' } }, ...extra }, { env: {} }).config;
}

/** Loads a manifest whose llm block is `llm` (YAML lines) with the guarded environment of `settings`. */
function load(llm: string, settings = config(), secrets?: KnownSecrets) {
  const text = `apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: hostile\nspec:\n  role: You help.\n  llm:\n${llm}`;
  return loadManifestText(text, 'hostile.ossa.yaml', manifestEnvironment(settings, ENV, secrets));
}

describe('manifestEnvironment: what ${VAR} in a manifest may read', () => {
  it('substitutes variables the default manifest_env allows', () => {
    const { agents, errors } = load('    provider: anthropic\n    model: ${OSSA_LLM_MODEL}\n    maxTokens: ${OSSA_LLM_MAX_TOKENS:-1024}\n');
    expect(errors).toEqual([]);
    expect(agents[0]!.llm).toMatchObject({ model: 'claude-haiku', maxTokens: 512 });
  });

  it("refuses the config's secret variables and the vault's private key, at their position, default or not", () => {
    const { agents, errors } = load('    provider: anthropic\n    model: "${ANTHROPIC_API_KEY}|${OSSA_SECRETS_DECRYPT_KEY:-x}"\n');
    expect(agents).toEqual([]);
    expect(errors.map(formatIssue)).toEqual([
      'hostile.ossa.yaml:9:12: spec.llm.model: ${ANTHROPIC_API_KEY} may not be read here: the config reads the secret providers.anthropic.api_key from it, and a manifest may never read one',
    ]);
    const vaultKey = load('    model: "${OSSA_SECRETS_DECRYPT_KEY:-x}"\n');
    expect(vaultKey.errors[0]!.message).toBe("${OSSA_SECRETS_DECRYPT_KEY} may not be read here: the config reads the secret the vault's private key from it, and a manifest may never read one");
    // Even when manifest_env names them outright.
    const listed = load('    model: ${ANTHROPIC_API_KEY}\n', config({ manifest_env: ['ANTHROPIC_API_KEY', '*'] }));
    expect(listed.errors[0]!.message).toMatch(/^\$\{ANTHROPIC_API_KEY\} may not be read here: the config reads the secret/);
  });

  it('refuses any variable manifest_env does not allow, and says how to allow it', () => {
    const { errors } = load('    model: ${HOME}\n');
    expect(errors).toEqual([
      {
        file: 'hostile.ossa.yaml', line: 8, column: 12, path: 'spec.llm.model',
        message: '${HOME} may not be read here: manifest_env allows OSSA_LLM_*, LLM_*',
        hint: 'add it to manifest_env in ossa.yaml if the manifest may read it',
      },
    ]);
    expect(load('    model: ${HOME}\n', config({ manifest_env: ['HOME'] })).agents[0]!.llm.model).toBe('/home/gateway');
    expect(load('    model: ${OSSA_LLM_MODEL}\n', config({ manifest_env: [] })).errors[0]!.message).toBe('${OSSA_LLM_MODEL} may not be read here: manifest_env is empty');
  });

  it('lets a pattern match no name that looks like a secret, which an exact entry allows', () => {
    expect(load('    model: ${LLM_API_KEY}\n').errors[0]).toMatchObject({
      message: '${LLM_API_KEY} may not be read here: its name looks like a secret\'s, and manifest_env allows OSSA_LLM_*, LLM_* by pattern only',
      hint: 'to allow it, list it by its exact name in manifest_env in ossa.yaml',
    });
    expect(load('    model: ${LLM_API_KEY}\n', config({ manifest_env: ['LLM_*', 'LLM_API_KEY'] })).errors).toEqual([]);
  });

  it("refuses an allowed variable whose value holds one of the gateway's secrets", () => {
    const secrets = new KnownSecrets([ENV.ANTHROPIC_API_KEY]);
    expect(load('    model: ${LLM_MODEL_COPY}\n', config(), secrets).errors[0]!.message).toBe("${LLM_MODEL_COPY} may not be read here: its value holds one of the gateway's secrets");
  });

  it('checks manifest_env entries in the config', () => {
    expect(() => config({ manifest_env: ['OSSA LLM'] })).toThrow(/manifest_env\[0\]/);
  });
});
