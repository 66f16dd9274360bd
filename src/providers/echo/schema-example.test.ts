import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleFromSchema } from './schema-example.js';

// The values echo (and the mock upstreams) generate must validate against the schema they
// were generated from: checked with ajv on hand-written schemas and on every tool input
// schema of the 177 real OSSA manifests.

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

function valid(schema: Record<string, unknown>): boolean {
  const validate = ajv.compile(schema);
  const ok = validate(exampleFromSchema(schema));
  if (!ok) console.error(JSON.stringify(schema), ajv.errorsText(validate.errors));
  return ok;
}

describe('exampleFromSchema', () => {
  it('fills required properties by type, enum, const and default, and leaves optional ones out', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        ratio: { type: 'number', exclusiveMinimum: 0.5 },
        strict: { type: 'boolean' },
        kind: { const: 'forecast' },
        lang: { type: 'string', default: 'en' },
        note: { type: 'string' },
      },
      required: ['city', 'unit', 'days', 'ratio', 'strict', 'kind'],
    };
    expect(exampleFromSchema(schema)).toEqual({ city: 'echo', unit: 'celsius', days: 1, ratio: 1.5, strict: false, kind: 'forecast', lang: 'en' });
    expect(valid(schema)).toBe(true);
  });

  it('builds nested objects, arrays of minItems, tuples, nullable types and formats', () => {
    const schema = {
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        contact: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
        tags: { type: 'array', items: { type: 'string', minLength: 6 }, minItems: 2 },
        point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
        maybe: { type: ['null', 'integer'], multipleOf: 5, minimum: 3 },
      },
      required: ['when', 'contact', 'tags', 'point', 'maybe'],
    };
    expect(exampleFromSchema(schema)).toEqual({
      when: '1970-01-01T00:00:00Z',
      contact: { email: 'echo@example.com' },
      tags: ['echooo', 'echooo'],
      point: [0, 0],
      maybe: 5,
    });
    expect(valid(schema)).toBe(true);
  });

  it('follows local $refs, takes the first non-null branch of anyOf / oneOf, merges allOf', () => {
    const schema = {
      $defs: { step: { type: 'object', properties: { explanation: { type: 'string' }, output: { type: 'string' } }, required: ['explanation', 'output'] } },
      type: 'object',
      properties: {
        steps: { type: 'array', items: { $ref: '#/$defs/step' }, minItems: 1 },
        answer: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 2 }] },
        both: { allOf: [{ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } }, required: ['b'] }] },
      },
      required: ['steps', 'answer', 'both'],
    };
    expect(exampleFromSchema(schema)).toEqual({ steps: [{ explanation: 'echo', output: 'echo' }], answer: 'ec', both: { a: 0, b: false } });
    expect(valid(schema)).toBe(true);
  });

  it.each([
    ['^CVE-\\d{4}-\\d+$', 'CVE-0000-0'],
    ['^[A-Z0-9-]+$', 'A'],
    ['^[a-z]{2}(?:-[A-Z]{2})?$', 'aa'],
    ['^(ord|inv)_[0-9a-f]{8}$', 'ord_00000000'],
    ['^\\w+@\\w+\\.com$', 'a@a.com'],
  ])('writes the shortest string pattern %s matches', (pattern, expected) => {
    expect(exampleFromSchema({ type: 'string', pattern })).toBe(expected);
    expect(new RegExp(pattern, 'u').test(expected)).toBe(true);
  });

  it('skips a lookahead, and falls back to its best guess for a pattern it cannot write (a backreference)', () => {
    expect(exampleFromSchema({ type: 'string', pattern: '^(?!echo).+$' })).toBe('a');
    expect(exampleFromSchema({ type: 'string', pattern: '^(ab)\\1$' })).toBe('echo');
  });

  it('stops at a recursive $ref instead of looping', () => {
    const schema = { type: 'object', properties: { child: { $ref: '#' } }, required: ['child'] };
    expect(() => JSON.stringify(exampleFromSchema(schema))).not.toThrow();
  });

  it("satisfies every tool input schema of the real OSSA example manifests", () => {
    const dir = new URL('../../../../shared/ossa-examples/', import.meta.url);
    const schemas: Record<string, unknown>[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'input_schema' || key === 'inputSchema') && typeof value === 'object' && value !== null && !Array.isArray(value)) schemas.push(value as Record<string, unknown>);
        else collect(value);
      }
    };
    for (const file of readdirSync(dir)) {
      if (!/\.(ya?ml|json)$/.test(file)) continue;
      const text = readFileSync(new URL(file, dir), 'utf8');
      try {
        for (const document of text.split(/^---$/m)) collect(file.endsWith('.json') ? JSON.parse(document) : parse(document));
      } catch {
        // A manifest that does not parse is the loader's concern, not this test's.
      }
    }
    expect(schemas.length).toBeGreaterThan(20);
    const failures = schemas.filter((schema) => {
      try {
        return !valid(schema);
      } catch {
        return false; // not a schema ajv compiles: nothing to satisfy
      }
    });
    expect(failures).toEqual([]);
  });
});
