import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isRecord } from '../../agents/manifest-values.js';
import type { HttpToolsConfig } from '../../config/ossa-config.js';
import { formatIssue } from '../../config/source-issue.js';
import { parseYamlSource } from '../../config/yaml-source.js';
import type { ManifestToolEntry } from '../server-tool.js';
import { httpToolKind, type HttpToolKind } from './http-tool-kind.js';

/** The OSSA project's own manifests, read in place (see src/agents/ossa-examples.test.ts). */
const CORPUS = process.env['OSSA_EXAMPLES_DIR'] ?? fileURLToPath(new URL('../../../../shared/ossa-examples', import.meta.url));

/** Every `spec.tools[]` entry of the corpus with its position, as the loader hands them to a kind. */
function corpusEntries(): ManifestToolEntry[] {
  const entries: ManifestToolEntry[] = [];
  for (const name of readdirSync(CORPUS).filter((file) => /\.(ya?ml|json)$/.test(file)).sort()) {
    const file = join(CORPUS, name);
    for (const document of parseYamlSource(readFileSync(file, 'utf8'), file)) {
      let value: unknown;
      try {
        value = document.toJS();
      } catch {
        continue;
      }
      const tools = isRecord(value) && isRecord(value['spec']) ? value['spec']['tools'] : undefined;
      if (!Array.isArray(tools)) continue;
      tools.forEach((raw: unknown, index) => {
        if (isRecord(raw)) entries.push({ index, raw, source: { file, ...document.positionOf(['spec', 'tools', index]) } });
      });
    }
  }
  return entries;
}

/** Every host the corpus's http tools name. */
const CORPUS_HOSTS = [
  'registry.npmjs.org', 'api.search.example.com', 'api.example.com', 'hooks.example.com', 'localhost', 'research-agent', 'analysis-agent', 'writing-agent',
  'agent-registry', 'api.search-service.com', 'api.duckduckgo.com', 'api.search.com', 'api.academic.com', 'vault', 'falco', 'splunk', 'jira.bluefly.io',
];
const ENV = { API_TOKEN: 'tok-api-0123456789', ORCHESTRATOR_TOKEN: 'tok-orch-0123456789', SEARCH_API_KEY: 'key-search-0123456789' };

const kinds: HttpToolKind[] = [];
afterAll(() => Promise.all(kinds.map((kind) => kind.close())));

function resolveAll(config: HttpToolsConfig): { ok: string[]; problems: string[] } {
  const kind = httpToolKind({ config, defaultTimeoutMs: 30_000, env: ENV });
  kinds.push(kind);
  const ok: string[] = [];
  const problems: string[] = [];
  for (const entry of corpusEntries().filter((candidate) => kind.accepts(candidate))) {
    const resolution = kind.resolve(entry, 'corpus');
    if ('problem' in resolution) problems.push(formatIssue(resolution.problem));
    else ok.push(...resolution.source.tools().map((tool) => tool.definition.name));
  }
  return { ok, problems };
}

const count = (lines: readonly string[], pattern: RegExp): number => lines.filter((line) => pattern.test(line)).length;

describe.skipIf(!existsSync(CORPUS))('the corpus\'s http and api tools', () => {
  it('are all refused by the default config (no allowed host), each at file:line:column and key', () => {
    const { ok, problems } = resolveAll({ allowed_hosts: [], max_response_bytes: 1_048_576, allow_insecure_http: false, max_redirects: 3 });
    expect(ok).toEqual([]);
    // 23 `http` and 6 `api` entries, as the issue counted.
    expect(problems).toHaveLength(29);
    expect(problems.every((line) => line.startsWith(CORPUS) && /\.(ya?ml|json):\d+:\d+: spec\.tools\[\d+\]\./.test(line))).toBe(true);
    expect(count(problems, /is not in tools\.http\.allowed_hosts/)).toBe(20);
    expect(count(problems, /has no endpoint/)).toBe(7);
    expect(count(problems, /auth type bearer needs a token/)).toBe(1);
    expect(count(problems, /CI_API_V4_URL is not set/)).toBe(1);
  });

  it('resolve once their hosts are allowed, except those that cannot be called as written', () => {
    const { ok, problems } = resolveAll({ allowed_hosts: CORPUS_HOSTS, max_response_bytes: 1_048_576, allow_insecure_http: true, max_redirects: 3 });
    expect(ok).toHaveLength(17);
    expect(ok).toEqual(expect.arrayContaining(['invoke_research_agent', 'search_api', 'send_notification', 'DuckDuckGoSearch', 'get_status', 'falco-alerts']));
    expect(problems).toHaveLength(12);
    // Declared without an endpoint (only a name and capabilities): nothing to call.
    expect(count(problems, /has no endpoint/)).toBe(7);
    // `auth: {type: bearer}` without saying where the token is.
    expect(count(problems, /security-scanner\.ossa\.yaml:38:5: spec\.tools\[2\]\.auth\.credentials: auth type bearer needs a token/)).toBe(1);
    // `tokenPath: /var/secrets/...`: files of the manifest's deployment, not of this machine.
    expect(count(problems, /auth\.tokenPath: the credential cannot be used: secret file \/var\/secrets\/[a-z-]+ cannot be read \(ENOENT\)/)).toBe(3);
    expect(count(problems, /config\.base_url: environment variable CI_API_V4_URL is not set/)).toBe(1);
  });

  it('refuse plain http to a host that is not loopback unless allow_insecure_http', () => {
    const { ok, problems } = resolveAll({ allowed_hosts: CORPUS_HOSTS, max_response_bytes: 1_048_576, allow_insecure_http: false, max_redirects: 3 });
    // The four agent-to-agent calls and the compliance auditor's vault, falco and splunk are plain
    // http to other machines (refused before their credentials are looked at); localhost stays allowed.
    expect(count(problems, /plain http to [a-z-]+:\d+ is refused/)).toBe(7);
    expect(ok).toContain('get_status');
    expect(ok).toHaveLength(12);
  });
});
