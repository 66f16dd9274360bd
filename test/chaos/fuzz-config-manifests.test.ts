import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadManifestText } from '../../src/agents/load-manifest.js';
import { OSSA_CONFIG_SCHEMA } from '../../src/config/config-schema.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { formatIssue, formatPath, SourceError, type SourceIssue } from '../../src/config/source-issue.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/observability/logger.js';
import { CHAOS_SECRETS, saveChaosArtifact } from '../support/chaos-artifacts.js';
import { runCli, startServe } from '../support/cli-process.js';
import { agentManifest, tempDir } from '../support/gateway-harness.js';

// Hostile config files and manifests: wrong types at every key, alias bombs, huge and deeply
// nested files. Every one gets a clear error naming file, line and key; none hangs or crashes.

type Path = readonly (string | number)[];
type Tree = Record<string, unknown>;
const ENV = { ANTHROPIC_API_KEY: CHAOS_SECRETS.anthropicKey, CLIENT_KEY: CHAOS_SECRETS.clientKey, ADMIN_KEY: CHAOS_SECRETS.adminKey, METRICS_TOKEN: CHAOS_SECRETS.metricsToken };
const STATS = { configCases: 0, configRefused: 0, manifestCases: 0, manifestRefused: 0, gatewaysBuilt: 0, maxMs: 0 };
const WRONG: unknown[] = [null, true, -1, 1.5, 1e12, '', ['x'], { x: 1 }, 'x'.repeat(10_000), CHAOS_SECRETS.clientKey, [CHAOS_SECRETS.adminKey], { key: CHAOS_SECRETS.anthropicKey }];
const logger = createLogger({ level: 'silent' });
/** Key paths whose accepted value already built a gateway. */
const built = new Set<string>();

const BASE_CONFIG: Tree = {
  ossa: {
    env: 'dev', default_provider: 'echo', manifest_paths: ['agents'],
    server: { port: 0, body_limit: '1mb' },
    providers: { claude: { type: 'anthropic', api_key: '${ANTHROPIC_API_KEY}', base_url: 'http://127.0.0.1:9', model: 'claude-sonnet-4-5', circuit_breaker: { fallback_providers: ['echo'] } } },
    rate_limit: { enabled: true, user: { limit: 10, interval: '1 hour' }, global: { limit: 100, interval: '1 hour' } },
    cache: { enabled: true, storage: 'memory' },
    agents: { support: { cache_ttl: 60 } },
    security: {
      clients: [{ id: 'web', key: '${CLIENT_KEY}', agents: ['support'], rate_limit: { user: { limit: 5, interval: '1 minute' } } }],
      admin_keys: ['${ADMIN_KEY}'], audit: { sink: 'file', path: 'audit/audit.jsonl', syslog: { host: '127.0.0.1' } }, secrets: { vault_dir: 'config/secrets' },
    },
    observability: { log_level: 'silent', metrics: true, metrics_token: '${METRICS_TOKEN}' },
  },
};

const BASE_MANIFEST: Tree = {
  apiVersion: 'ossa/v0.4.6', kind: 'Agent',
  metadata: { name: 'support', version: '1.0.0', description: 'Support agent' },
  spec: {
    role: 'You are the support agent.', prompts: { system: { template: 'inline' } }, instructions: 'be brief', system: 'sys',
    llm: { provider: 'echo', model: 'echo-1', temperature: 0.3, maxTokens: 100, max_tokens: 100, fallback_models: [{ provider: 'echo', model: 'echo-2' }] },
    constraints: { performance: { timeoutSeconds: 30 } },
    safety: { rate_limiting: { requests_per_minute: 60, burst_limit: 10 } },
    tools: [{ name: 'lookup', type: 'function' }],
  },
};
const MANIFEST_PATHS: Path[] = [
  ['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'version'], ['metadata', 'description'], ['spec'], ['spec', 'role'],
  ['spec', 'prompts'], ['spec', 'prompts', 'system'], ['spec', 'prompts', 'system', 'template'], ['spec', 'instructions'], ['spec', 'system'],
  ['spec', 'llm'], ['spec', 'llm', 'provider'], ['spec', 'llm', 'model'], ['spec', 'llm', 'temperature'], ['spec', 'llm', 'maxTokens'], ['spec', 'llm', 'max_tokens'],
  ['spec', 'llm', 'fallback_models'], ['spec', 'llm', 'fallback_models', 0], ['spec', 'llm', 'fallback_models', 0, 'provider'], ['spec', 'llm', 'fallback_models', 0, 'model'],
  ['spec', 'model'], ['spec', 'model', 'provider'], ['spec', 'model', 'name'], ['spec', 'model', 'parameters', 'temperature'], ['spec', 'model', 'parameters', 'maxTokens'],
  ['spec', 'constraints', 'performance', 'timeoutSeconds'], ['spec', 'safety', 'rate_limiting', 'requests_per_minute'], ['spec', 'safety', 'rate_limiting', 'burst_limit'],
  ['spec', 'constraints', 'cost'], ['spec', 'constraints', 'cost', 'maxTokensPerRequest'], ['spec', 'constraints', 'cost', 'maxTokensPerDay'],
  ['spec', 'constraints', 'cost', 'maxCostPerDay'], ['spec', 'constraints', 'cost', 'currency'],
  ['spec', 'tools'], ['spec', 'tools', 0],
];

/** Every key path of the config schema, with a sample name for the maps keyed by user names. */
function schemaPaths(schema: Tree, path: Path = [], out: Path[] = []): Path[] {
  if (path.length > 0) out.push(path);
  for (const [key, child] of Object.entries((schema['properties'] ?? {}) as Record<string, Tree>)) schemaPaths(child, [...path, key], out);
  const extra = schema['additionalProperties'];
  if (typeof extra === 'object' && extra !== null) schemaPaths(extra as Tree, [...path, path.at(-1) === 'providers' ? 'claude' : 'support'], out);
  if (typeof schema['items'] === 'object') schemaPaths(schema['items'] as Tree, [...path, 0], out);
  return out;
}

/** A copy of `tree` with `value` at `path`, creating what is missing on the way. */
function withValue(tree: Tree, path: Path, value: unknown): Tree {
  const copy = structuredClone(tree);
  let node: Record<string | number, unknown> = copy;
  path.forEach((part, i) => {
    if (i === path.length - 1) {
      node[part] = value;
      return;
    }
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[part] as Record<string | number, unknown>;
  });
  return copy;
}

/** One key path names the other or lies inside it: `security.clients[0]` and `security.clients[0].key`. */
const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
const timed = <T>(fn: () => T): T => {
  const started = performance.now();
  try {
    return fn();
  } finally {
    STATS.maxMs = Math.max(STATS.maxMs, performance.now() - started);
  }
};

/** Keys whose values may be credentials: a message about them must not quote the value. */
const isCredentialPath = (path: Path) => ['api_key', 'key', 'key_sha256', 'metrics_token', 'admin_keys'].includes(String(path.findLast((p) => typeof p === 'string')));

/** Each issue is positioned in `file`; with `noSecrets`, none quotes a fake key (values elsewhere may be echoed). */
function expectClearIssues(issues: readonly SourceIssue[], file: string, what: string, noSecrets = true): void {
  expect(issues.length, what).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.file, what).toBe(file);
    expect(issue.line, `${what}: ${formatIssue(issue)}`).toBeGreaterThanOrEqual(1);
    expect(issue.message.length, what).toBeGreaterThan(0);
    const text = formatIssue(issue);
    if (noSecrets) for (const secret of Object.values(CHAOS_SECRETS)) expect(text, `${what}: a key in an error message`).not.toContain(secret);
  }
  // For the final sweep; messages that may rightly echo a fake key written at a non-key place stay out.
  if (noSecrets) saveChaosArtifact('fuzz-config-manifests.errors.txt', issues.map(formatIssue).join('\n'));
}

/** Parses a config text: a SourceError with clear issues naming `path`, or a config that builds a gateway. */
async function checkConfig(text: string, path: Path, value: unknown, what: string, dir: string): Promise<void> {
  STATS.configCases += 1;
  // A key written at another key's place is echoed there like any value; a message about a
  // credential key, or about anything else when no key was written, must hold no key.
  const noSecrets = isCredentialPath(path) || !Object.values(CHAOS_SECRETS).some((secret) => JSON.stringify(value).includes(secret));
  let error: unknown;
  try {
    timed(() => parseConfigText(text, join(dir, 'ossa.yaml'), ENV));
  } catch (caught) {
    error = caught;
  }
  if (error !== undefined) {
    expect(error, `${what}: not a SourceError: ${String(error)}`).toBeInstanceOf(SourceError);
    const issues = (error as SourceError).issues;
    expectClearIssues(issues, join(dir, 'ossa.yaml'), what, noSecrets);
    const key = formatPath(path.slice(1));
    // The key itself, or a sibling whose message names it (`max_backoff_ms: expected at least initial_backoff_ms`).
    const parent = formatPath(path.slice(1, -1));
    // A section written with only this key (`cors: {max_age: null}`, `models.support: {model: "x..."}`)
    // lacks its required siblings: when the value itself is fine (null is a default), that is the
    // one issue, and it rightly names the section.
    const missingSibling = (issue: SourceIssue) => parent !== '' && related(issue.path ?? '', parent) && issue.message.includes('missing required key');
    const names = (issue: SourceIssue) => issue.path !== undefined && (related(issue.path, key) || missingSibling(issue) || (parent !== '' && related(issue.path, parent) && issue.message.includes(String(path.at(-1)))));
    expect(key === '' || issues.some(names), `${what}: no issue names ${key}: ${issues.map(formatIssue).join(' | ')}`).toBe(true);
    STATS.configRefused += 1;
    return;
  }
  // Valid by the schema: building the gateway either works or is a SourceError, never a crash.
  // Once per key path, and not for null (a section's defaults): each build costs ~100 ms.
  if (value === null || built.has(formatPath(path))) return;
  built.add(formatPath(path));
  writeFileSync(join(dir, 'ossa.yaml'), text);
  const gateway = await createGateway({ configPath: join(dir, 'ossa.yaml'), env: ENV, logger }).catch((caught: unknown) => caught);
  if (gateway instanceof SourceError) {
    // Past the schema (providers, manifests, keys): each issue names a file or a key path.
    for (const issue of gateway.issues) expect(issue.file ?? issue.path, `${what}: ${formatIssue(issue)}`).toBeTruthy();
    if (!noSecrets) return;
    for (const secret of Object.values(CHAOS_SECRETS)) expect(gateway.message, what).not.toContain(secret);
    saveChaosArtifact('fuzz-config-manifests.errors.txt', gateway.message);
    return;
  }
  expect(gateway, `${what}: ${String(gateway)}`).not.toBeInstanceOf(Error);
  STATS.gatewaysBuilt += 1;
  await (gateway as { close(): Promise<void> }).close();
}

function checkManifest(tree: Tree, path: Path, what: string): void {
  STATS.manifestCases += 1;
  const result = timed(() => loadManifestText(stringify(tree), 'agents/support.ossa.yaml', ENV));
  if (result.errors.length === 0) {
    expect(result.agents.length + result.skipped.length, what).toBeGreaterThan(0);
    return;
  }
  STATS.manifestRefused += 1;
  // No manifest key holds a credential: a value is echoed wherever it was written.
  expectClearIssues(result.errors, 'agents/support.ossa.yaml', what, false);
  const key = formatPath(path);
  // A broken apiVersion, kind or metadata is reported for the document as a whole.
  const named = result.errors.some((issue) => issue.path === undefined || related(issue.path, key) || issue.message.includes(String(path.at(-1))));
  expect(named, `${what}: ${result.errors.map(formatIssue).join(' | ')}`).toBe(true);
}

describe('hostile config files and manifests', () => {
  const dir = tempDir({ 'agents/support.ossa.yaml': agentManifest('support') });
  afterAll(() => {
    const summary = `fuzz-config-manifests: ${JSON.stringify({ ...STATS, maxMs: Math.round(STATS.maxMs) })}`;
    console.log(summary);
    saveChaosArtifact('fuzz-config-manifests.summary.txt', summary);
  });

  it('answers a wrong type at every key of the config schema with an error naming file, line and key', async () => {
    const paths = schemaPaths(OSSA_CONFIG_SCHEMA as Tree, ['ossa']);
    expect(paths.length).toBeGreaterThan(80);
    for (const path of paths) {
      for (const value of WRONG) await checkConfig(stringify(withValue(BASE_CONFIG, path, value)), path, value, `${formatPath(path)} = ${JSON.stringify(value).slice(0, 60)}`, dir);
    }
  }, 90_000);

  it('answers a wrong type at every manifest key the runtime reads with a positioned error, never an exception', () => {
    for (const path of MANIFEST_PATHS) {
      // spec.model is read only when spec.llm is absent.
      const base = path[1] === 'model' ? withValue(BASE_MANIFEST, ['spec', 'llm'], undefined) : BASE_MANIFEST;
      for (const value of WRONG) checkManifest(withValue(base, path, value), path, `${formatPath(path)} = ${JSON.stringify(value).slice(0, 60)}`);
    }
  });

  it('survives random values at random manifest keys (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MANIFEST_PATHS), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        checkManifest(withValue(BASE_MANIFEST, path, value), path, `${formatPath(path)} = ${JSON.stringify(value).slice(0, 80)}`);
      }),
      { numRuns: 800 },
    );
  });

  const laughs = (levels: number) => ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: levels }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
  const bombs: [string, string][] = [
    ['billion laughs', laughs(9)],
    ['merge-key bomb', `a: &a {x: 1, y: 2}\n${Array.from({ length: 12 }, (_, i) => `m${i}: &m${i}\n  <<: [${i === 0 ? '*a' : `*m${i - 1}`}]\n  l${i}: [${i === 0 ? '*a, *a' : `*m${i - 1}, *m${i - 1}`}]`).join('\n')}`],
    ['self-referencing alias', 'a: &a [*a]'],
    ['deep flow nesting', `x: ${'['.repeat(50_000)}${']'.repeat(50_000)}`],
    ['deep block nesting', Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
  ];

  it('refuses alias bombs and deep nesting in a config or a manifest, in bounded time, at a position', () => {
    for (const [name, body] of bombs) {
      const config = `ossa:\n  default_provider: echo\n  agents:\n    support:\n      cache_ttl: 1\n${body.split('\n').map((l) => `  ${l}`).join('\n')}\n`;
      const started = performance.now();
      const error = (() => {
        try {
          parseConfigText(config, 'ossa.yaml', ENV);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error, name).toBeInstanceOf(SourceError);
      expectClearIssues((error as SourceError).issues, 'ossa.yaml', name);
      const manifest = loadManifestText(`${stringify(BASE_MANIFEST)}${body.replace(/^(\w+):/gm, 'x_$1:')}\n`, 'bomb.ossa.yaml', ENV);
      expectClearIssues(manifest.errors, 'bomb.ossa.yaml', `${name} in a manifest`, false);
      expect(performance.now() - started, name).toBeLessThan(10_000);
    }
  });

  // Concurrent: each case is two process start-ups, mostly waiting on module loading.
  describe.concurrent('at the process boundary (`validate` and `serve`)', () => {
    const project = (files: Record<string, string>) =>
      tempDir({ 'ossa.yaml': stringify(BASE_CONFIG), 'agents/support.ossa.yaml': agentManifest('support'), ...files });
    const cases: [string, Record<string, string>, RegExp][] = [
      ['an alias bomb in ossa.yaml', { 'ossa.yaml': `${stringify(BASE_CONFIG)}${laughs(9).replace(/^/gm, '  ')}\n` }, /ossa\.yaml:\d+:\d+: .*(alias|expand)/i],
      ['an alias bomb in a manifest', { 'agents/bomb.ossa.yaml': `${stringify(BASE_MANIFEST).replace('name: support', 'name: bomb')}${laughs(9).replace(/^(\w+):/gm, 'x_$1:')}\n` }, /bomb\.ossa\.yaml:\d+:\d+: .*(alias|expand)/i],
      ['a 5 MB manifest', { 'agents/huge.ossa.yaml': `${agentManifest('huge')}# ${'x'.repeat(5 * 1024 * 1024)}\n` }, /huge\.ossa\.yaml: the file is \d+ bytes; manifests are limited to/],
      ['deep nesting in a manifest', { 'agents/deep.ossa.yaml': `${agentManifest('deep')}  tools: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` }, /deep\.ossa\.yaml:\d+:\d+: /],
      ['wrong types everywhere in ossa.yaml', { 'ossa.yaml': stringify(withValue(withValue(withValue(BASE_CONFIG, ['ossa', 'server', 'port'], 'eighty'), ['ossa', 'providers', 'claude', 'timeout'], [1]), ['ossa', 'security', 'clients', 0, 'key_sha256'], CHAOS_SECRETS.clientKey)) }, /ossa\.yaml:\d+:\d+: server\.port: [\s\S]*providers\.claude\.timeout: [\s\S]*security\.clients\[0\]\.key_sha256: /],
    ];
    for (const [name, files, expected] of cases) {
      it(`validate and serve refuse ${name} with a clear message, exit 1, no stack trace`, async () => {
        const cwd = project(files);
        const [validate, serve] = await Promise.all([runCli(['validate'], { cwd, env: ENV, timeoutMs: 20_000 }), runCli(['serve'], { cwd, env: ENV, timeoutMs: 20_000 })]);
        saveChaosArtifact('fuzz-config-manifests.cli.txt', `${name}\nvalidate ${validate.code}\n${validate.stdout}${validate.stderr}\nserve ${serve.code}\n${serve.stdout}${serve.stderr}`);
        for (const [command, run] of [['validate', validate], ['serve', serve]] as const) {
          expect(run.code, `${command}: killed after 20 s means a hang`).toBe(1);
          expect(`${run.stdout}${run.stderr}`, command).toMatch(expected);
          expect(run.stderr, command).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
          expect(`${run.stdout}${run.stderr}`, command).not.toMatch(/listening on/);
          for (const secret of Object.values(CHAOS_SECRETS)) expect(`${run.stdout}${run.stderr}`, command).not.toContain(secret);
        }
      }, 60_000);
    }

    it('serves a 20 MB ossa.yaml (a long comment and a long value) within the timeout', async () => {
      const cwd = project({ 'ossa.yaml': `# ${'c'.repeat(10 * 1024 * 1024)}\n${stringify(withValue(withValue(BASE_CONFIG, ['ossa', 'security', 'audit', 'syslog', 'app_name'], 's'.repeat(10 * 1024 * 1024)), ['ossa', 'observability', 'log_level'], 'info'))}` });
      const server = await startServe(cwd, ENV);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(await server.stop()).toBe(0);
      saveChaosArtifact('fuzz-config-manifests.serve.log', server.output().slice(0, 100_000));
    }, 60_000);
  });
});
