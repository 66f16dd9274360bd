import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SystemPromptSource } from './agent-definition.js';
import { dig, isRecord } from './manifest-values.js';

export interface SystemPromptFinding {
  readonly prompt?: { readonly text: string; readonly source: SystemPromptSource };
  /** Problems that make the manifest unusable, with the key path they concern. */
  readonly errors: readonly { readonly path: string[]; readonly message: string }[];
  readonly warnings: readonly { readonly path: string[]; readonly message: string }[];
}

/** A `{template}` value that names a file rather than holding the text. */
const TEMPLATE_FILE = /^[^\n]+\.(md|txt|prompt|tmpl|j2|hbs|mustache)$/i;

/**
 * Finds the system prompt where real manifests put it, first match wins:
 * `spec.role`, `spec.prompts.system` (a string or `{template}`), `spec.instructions`,
 * `spec.system`, else `metadata.description` (with a warning: a description is not a prompt).
 */
export function findSystemPrompt(doc: unknown, manifestFile: string): SystemPromptFinding {
  const errors: { path: string[]; message: string }[] = [];
  const warnings: { path: string[]; message: string }[] = [];

  const candidates: [SystemPromptSource, string[]][] = [
    ['spec.role', ['spec', 'role']],
    ['spec.prompts.system', ['spec', 'prompts', 'system']],
    ['spec.instructions', ['spec', 'instructions']],
    ['spec.system', ['spec', 'system']],
  ];
  for (const [source, path] of candidates) {
    const value = dig(doc, ...path);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.trim() === '') {
        warnings.push({ path, message: 'is empty; looking further for a system prompt' });
        continue;
      }
      return { prompt: { text: value.trim(), source }, errors, warnings };
    }
    if (source === 'spec.prompts.system' && isRecord(value) && typeof value['template'] === 'string') {
      const text = readTemplate(value['template'], manifestFile);
      if (text.ok) return { prompt: { text: text.value, source }, errors, warnings };
      warnings.push({ path: [...path, 'template'], message: `${text.reason}; looking further for a system prompt` });
      continue;
    }
    errors.push({ path, message: `expected the system prompt as a string${source === 'spec.prompts.system' ? ' or {template}' : ''}` });
    return { errors, warnings };
  }

  const description = dig(doc, 'metadata', 'description');
  if (typeof description === 'string' && description.trim() !== '') {
    warnings.push({
      path: ['metadata', 'description'],
      message: 'no spec.role, spec.prompts.system, spec.instructions or spec.system: the description is used as the system prompt',
    });
    return { prompt: { text: description.trim(), source: 'metadata.description' }, errors, warnings };
  }
  errors.push({
    path: ['spec'],
    message: 'no system prompt: set spec.role (or spec.prompts.system, spec.instructions, spec.system, metadata.description)',
  });
  return { errors, warnings };
}

function readTemplate(template: string, manifestFile: string): { ok: true; value: string } | { ok: false; reason: string } {
  if (!TEMPLATE_FILE.test(template.trim())) {
    return template.trim() === '' ? { ok: false, reason: 'template is empty' } : { ok: true, value: template.trim() };
  }
  const file = resolve(dirname(manifestFile), template.trim());
  if (!existsSync(file) || !statSync(file).isFile()) return { ok: false, reason: `template file ${template} not found (looked at ${file})` };
  const text = readFileSync(file, 'utf8').trim();
  return text === '' ? { ok: false, reason: `template file ${template} is empty` } : { ok: true, value: text };
}
