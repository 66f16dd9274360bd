import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../test/support/ossa-corpus.js';
import { tempDir } from '../../test/support/scratch-dir.js';
import { formatIssue } from '../config/source-issue.js';
import { loadManifestText } from './load-manifest.js';
import { OssaSchemaSet, pickSchemaFile } from './ossa-schema-set.js';

const FILES = ['v0.3.3.json', 'v0.3.5.json', 'v0.3.6.json', 'v0.4-head.json', 'v0.4.5.json', 'v0.4.6.json', 'v0.5.0.json'];

describe('which schema file validates an apiVersion', () => {
  it('takes the line\'s head schema first, as the OSSA CLI does, then the release, then the newest patch of the line', () => {
    expect(pickSchemaFile('ossa/v0.4.6', FILES)).toBe('v0.4-head.json');
    expect(pickSchemaFile('ossa/v0.4', FILES)).toBe('v0.4-head.json');
    expect(pickSchemaFile('ossa/v0.3.5', FILES)).toBe('v0.3.5.json');
    expect(pickSchemaFile('ossa/v0.3.4', FILES)).toBe('v0.3.6.json');
    expect(pickSchemaFile('ossa/v0.5', FILES)).toBe('v0.5.0.json');
    expect(pickSchemaFile('v0.3.3', FILES)).toBe('v0.3.3.json');
    expect(pickSchemaFile('ossa/v0.4.6', FILES.filter((f) => !f.includes('head')))).toBe('v0.4.6.json');
  });

  it('finds none for a line the directory does not have, or a version that is not OSSA\'s', () => {
    expect(pickSchemaFile('ossa/v0.6.0', FILES)).toBeUndefined();
    expect(pickSchemaFile('ossa/v1', FILES)).toBeUndefined();
    expect(pickSchemaFile('apps/v1', FILES)).toBeUndefined();
  });

  it('says what is wrong with a schema directory', () => {
    expect(OssaSchemaSet.open('/nonexistent/schemas').issues[0]!.message).toMatch(/^cannot read the schema directory: ENOENT/);
    const empty = tempDir({ 'README.md': 'no schemas here' });
    expect(OssaSchemaSet.open(empty).issues[0]!.message).toBe('no schema files here (expected names such as v0.4.6.json or v0.4-head.json)');
  });
});

describe.skipIf(!existsSync(SCHEMAS))('checking documents against the official schemas', () => {
  const { schemas } = OssaSchemaSet.open(SCHEMAS);
  const check = (text: string) => loadManifestText(text, 'm.ossa.yaml', {}, { schemas: schemas! });

  it('passes a valid manifest and counts it', () => {
    const result = check('apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: helper\n  version: 1.0.0\nspec:\n  role: You help.\n  llm:\n    provider: anthropic\n    model: claude-x\n');
    expect(result.errors).toEqual([]);
    expect(result.schemaChecks).toEqual([{ apiVersion: 'ossa/v0.4.6', schema: 'v0.4-head.json', issues: [], file: 'm.ossa.yaml', document: 0 }]);
  });

  it('positions each schema error at file:line:column with the schema\'s message, unknown keys at the key', () => {
    const result = check(`apiVersion: ossa/v0.4.6
kind: Agent
metadata:
  name: helper
  version: 1.0.0
  colour: blue
spec:
  role: You help.
  llm:
    provider: \${LLM_PROVIDER:-anthropic}
    model: claude-x
    temperature: 0.2
  tools:
    - name: lookup
    - type: teleport
      name: beam
`);
    expect(result.errors.map(formatIssue)).toEqual([
      'm.ossa.yaml:6:3: metadata.colour: unknown key: no additional properties are allowed here (schema v0.4-head.json)',
      "m.ossa.yaml:14:7: spec.tools[0]: must have required property 'type' (schema v0.4-head.json)",
      expect.stringMatching(/^m\.ossa\.yaml:15:13: spec\.tools\[1\]\.type: must be equal to one of the allowed values: mcp, browser, .*\(schema v0\.4-head\.json\)$/),
    ]);
    // The schema describes the text as written: the placeholder passed its pattern, and was resolved for the agent.
    expect(result.agents[0]!.llm.provider).toBe('anthropic');
  });

  it('reports a document no schema matches, at its apiVersion', () => {
    const result = check('apiVersion: ossa/v0.9.0\nkind: Agent\nmetadata:\n  name: helper\nspec:\n  role: R\n');
    expect(formatIssue(result.errors[0]!)).toMatch(/^m\.ossa\.yaml:1:13: apiVersion: no schema in .* matches apiVersion "ossa\/v0\.9\.0" \(schemas: v0\.2\.3, .*v0\.5\.0\)$/);
  });

  it('does not check a document whose YAML is broken: its defects are the errors', () => {
    const result = check('apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: a\n  name: b\n');
    expect(result.schemaChecks).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual(['Map keys must be unique']);
  });
});
