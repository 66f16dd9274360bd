import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../config/source-issue.js';
import { loadManifestFile } from './load-manifest.js';

/**
 * The OSSA project's own manifests, read in place and never copied into this repository:
 * `$OSSA_EXAMPLES_DIR`, else `../shared/ossa-examples` beside the checkout.
 */
const CORPUS = process.env['OSSA_EXAMPLES_DIR'] ?? fileURLToPath(new URL('../../../shared/ossa-examples', import.meta.url));
if (!existsSync(CORPUS)) {
  console.warn(`ossa-examples.test.ts: skipped: the OSSA example corpus is not at ${CORPUS} (set OSSA_EXAMPLES_DIR)`);
}

/**
 * The only files of the corpus we reject, and why. Each is a real defect that the OSSA
 * schema or YAML itself also rejects.
 */
const EXPECTED_REJECTIONS: Record<string, RegExp[]> = {
  // `tags:` is written twice in one mapping: YAML forbids duplicate keys.
  'examples_agent-manifests_monitors_monitor-agent.yaml': [/:114:3: Map keys must be unique/],
  // `content_moderator`: an underscore is not allowed in a DNS-1123 name (nor in a URL-safe agent name).
  'examples_drupal_content-moderator.ossa.yaml': [/:4:9: metadata\.name: "content_moderator" is not a DNS-1123 name.*did you mean "content-moderator"/],
  // Plain scalars that start with `@` (npm scopes) must be quoted in YAML.
  'spec_reference_reference-agents_ossa-validator-v0.3_manifest.ossa.yaml': [
    /:190:11: Plain value cannot start with reserved character @/,
    /:192:7: Map keys must be unique/,
    /:193:11: Plain value cannot start with reserved character @/,
  ],
};

describe.skipIf(!existsSync(CORPUS))('the OSSA example corpus', () => {
  const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f)).sort() : [];
  const results = files.map((file) => ({ file, result: loadManifestFile(join(CORPUS, file), {}) }));

  it('holds the files this test was written for', () => {
    expect(files.length).toBe(177);
  });

  it('loads every kind: Agent document, except the files rejected for a named defect', () => {
    const rejected: Record<string, string[]> = {};
    for (const { file, result } of results) {
      if (result.errors.length > 0) rejected[file] = result.errors.map(formatIssue);
    }
    expect(Object.keys(rejected).sort()).toEqual(Object.keys(EXPECTED_REJECTIONS).sort());
    for (const [file, patterns] of Object.entries(EXPECTED_REJECTIONS)) {
      expect(rejected[file], file).toHaveLength(patterns.length);
      patterns.forEach((pattern, i) => expect(rejected[file]![i], file).toMatch(pattern));
      expect(rejected[file]![0]!.startsWith(join(CORPUS, file))).toBe(true);
    }
    const agents = results.flatMap(({ result }) => result.agents);
    expect(agents.length).toBe(182);
  });

  it('skips documents that are not agents, saying which', () => {
    const skipped = results.flatMap(({ result }) => result.skipped.map((s) => `${basename(s.file)}#${s.document}: ${s.reason}`));
    expect(skipped).toContain('examples_workflows_batch-email-campaign.yaml#0: kind Workflow is not Agent');
    expect(skipped.every((line) => /is not Agent$/.test(line))).toBe(true);
  });

  it('finds the system prompt in every place real manifests put it', () => {
    const sources = new Map<string, number>();
    for (const agent of results.flatMap(({ result }) => result.agents)) {
      sources.set(agent.systemPromptSource, (sources.get(agent.systemPromptSource) ?? 0) + 1);
      expect(agent.systemPrompt.length).toBeGreaterThan(0);
    }
    expect([...sources.keys()].sort()).toEqual(['metadata.description', 'spec.instructions', 'spec.prompts.system', 'spec.role', 'spec.system']);
  });

  it('reads the model from spec.llm and spec.model, resolving ${VAR:-default} placeholders', () => {
    const agents = results.flatMap(({ result }) => result.agents);
    const fromModelBlock = agents.find((a) => a.name === 'customer-support-tier1' || a.source.file.endsWith('examples_a2a_agent-handoff.ossa.yaml'));
    expect(fromModelBlock?.llm).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', temperature: 0.8, maxTokens: 4096 });
    const placeholders = agents.filter((a) => a.llm.provider !== undefined && a.llm.provider.includes('${'));
    expect(placeholders).toEqual([]);
    expect(agents.filter((a) => a.llm.provider === 'anthropic').length).toBeGreaterThan(70);
  });

  it('reads apiVersion v0.3.0 without the ossa/ prefix, with a warning', () => {
    const warnings = results.flatMap(({ result }) => result.warnings).filter((w) => w.message.includes('lacks the "ossa/" prefix'));
    expect(warnings).toHaveLength(3);
  });
});
