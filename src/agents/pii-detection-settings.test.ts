import { describe, expect, it } from 'vitest';
import { findCorpusAgent, HAVE_CORPUS } from '../../test/support/ossa-corpus.js';
import { formatIssue } from '../config/source-issue.js';
import { loadManifestText } from './load-manifest.js';

const manifest = (safety: string) => `apiVersion: ossa/v0.4.6\nkind: Agent\nmetadata:\n  name: helper\nspec:\n  role: R\n  safety:\n${safety}`;
const load = (safety: string) => loadManifestText(manifest(safety), 'm.ossa.yaml', {});

describe('spec.safety.pii_detection', () => {
  it('reads enabled, types, action and apply_to_output; a type it does not detect is a warning naming it', () => {
    const result = load('    pii_detection:\n      enabled: true\n      types: [email, credit_card, password, IP]\n      action: block\n      apply_to_output: true\n');
    expect(result.errors).toEqual([]);
    expect(result.agents[0]!.piiDetection).toEqual({ enabled: true, types: ['email', 'credit_card', 'ip_address'], action: 'block', applyToOutput: true });
    expect(result.warnings.map(formatIssue)).toEqual([
      'm.ossa.yaml:10:35: spec.safety.pii_detection.types[2]: PII type "password" is not detected by ossa-gateway (it detects email, phone, credit_card, ssn, iban, ip_address, api_key)',
    ]);
    expect(result.agents[0]!.unenforced).toEqual([]);
  });

  it('takes the schema defaults: enabled, every type, redact; v0.2 `log` is warn', () => {
    expect(load('    pii_detection: {}\n').agents[0]!.piiDetection).toEqual({ enabled: true, types: ['email', 'phone', 'credit_card', 'ssn', 'iban', 'ip_address', 'api_key'], action: 'redact' });
    expect(load('    pii_detection: { action: log, types: [ssn] }\n').agents[0]!.piiDetection).toMatchObject({ action: 'warn', types: ['ssn'] });
  });

  it('keeps `enabled: false` (the gateway default does not apply) and a list of only unknown types detects nothing', () => {
    expect(load('    pii_detection: { enabled: false }\n').agents[0]!.piiDetection).toMatchObject({ enabled: false });
    expect(load('    pii_detection: { types: [name, address] }\n').agents[0]!.piiDetection).toMatchObject({ enabled: false, types: [] });
  });

  it('joins the reference agents\' guardrails.pii_detection (categories) with the stricter action', () => {
    const result = load('    pii_detection: { types: [email, api_key], action: redact }\n    guardrails:\n      pii_detection: { enabled: true, action: block, categories: ["phone", "ssn"] }\n      max_tool_calls: 3\n      content_filter: strict\n');
    expect(result.agents[0]!.piiDetection).toEqual({ enabled: true, types: ['email', 'phone', 'ssn', 'api_key'], action: 'block' });
    // max_tool_calls is the agent loop's; an unknown guardrail is still warned about.
    expect(result.agents[0]!.unenforced).toEqual(['spec.safety.guardrails.content_filter']);
  });

  it('refuses an action, a list or a flag it cannot read, at file:line:column', () => {
    const result = load('    pii_detection:\n      action: mask\n      types: email\n      apply_to_output: "yes"\n');
    expect(result.errors.map(formatIssue)).toEqual([
      'm.ossa.yaml:9:15: spec.safety.pii_detection.action: expected one of warn, block, redact, got "mask"',
      'm.ossa.yaml:11:24: spec.safety.pii_detection.apply_to_output: expected true or false, got "yes"',
      'm.ossa.yaml:10:14: spec.safety.pii_detection.types: expected a list of PII types (email, phone, credit_card, ssn, iban, ip_address, api_key), got "email"',
    ]);
  });

  it.skipIf(!HAVE_CORPUS)('reads a corpus agent\'s redact policy, with a warning for the types it cannot detect', () => {
    const { agent } = findCorpusAgent('spec.safety.pii_detection with action redact and a password type', (a) => a.piiDetection?.action === 'redact' && a.warnings.some((w) => w.includes('"password"')));
    expect(agent.piiDetection).toMatchObject({ enabled: true, action: 'redact' });
    expect(agent.piiDetection!.types).toEqual(expect.arrayContaining(['email', 'phone', 'ssn', 'credit_card', 'api_key', 'ip_address']));
    expect(agent.unenforced).not.toContain('spec.safety.pii_detection');
  });
});
