import { describe, expect, expectTypeOf, it } from 'vitest';
import { OSSA_CONFIG_SCHEMA } from './config-schema.js';
import type { FromSchema, Prefilled } from './from-schema.js';
import type { OssaConfig, ProviderConfig } from './ossa-config.js';
import { schemaPaths } from './schema-paths.js';

// Checked by `tsc` (npm run typecheck): the type a schema literal describes.
type Mapping = FromSchema<{
  readonly type: 'object';
  readonly properties: {
    readonly mode: { readonly type: 'string'; readonly enum: readonly ['a', 'b']; readonly default: 'a' };
    readonly size: { readonly type: readonly ['integer', 'string']; readonly format: 'byte-size' };
    readonly id: { readonly type: 'string' };
    readonly kind: { readonly type: 'string' } & Prefilled;
    readonly tags: { readonly type: 'array'; readonly items: { readonly type: 'string' }; readonly default: readonly [] };
    readonly byName: { readonly type: 'object'; readonly additionalProperties: { readonly type: 'boolean' } };
    readonly interval: { readonly type: readonly ['number', 'string'] };
  };
  readonly required: readonly ['id'];
}>;

describe('FromSchema', () => {
  it('types a mapping: defaults, required and prefilled keys present, the others optional', () => {
    expectTypeOf<Mapping>().toEqualTypeOf<{
      mode: 'a' | 'b';
      id: string;
      kind: string;
      tags: string[];
      size?: number;
      byName?: Record<string, boolean>;
      interval?: number | string;
    }>();
  });

  it('gives OssaConfig the keys of the schema, with unions from its enums', () => {
    expectTypeOf<OssaConfig['env']>().toEqualTypeOf<'dev' | 'prod'>();
    expectTypeOf<OssaConfig['server']['body_limit']>().toEqualTypeOf<number>();
    expectTypeOf<ProviderConfig['type']>().toEqualTypeOf<'anthropic' | 'openai' | 'openai-compatible' | 'echo'>();
    expectTypeOf<OssaConfig['default_model']>().toEqualTypeOf<string | undefined>();
    expect(Object.keys(OSSA_CONFIG_SCHEMA.properties)).toContain('observability');
  });
});

describe('schemaPaths', () => {
  it('finds the keys a keyword marks: sizes to normalize, files to resolve', () => {
    expect(schemaPaths(OSSA_CONFIG_SCHEMA, (schema) => schema['format'] === 'byte-size')).toEqual([
      ['server', 'body_limit'],
      ['providers', '*', 'max_response_bytes'],
      ['cache', 'max_bytes'],
      ['tools', 'max_result_bytes'],
      ['tools', 'http', 'max_response_bytes'],
      ['security', 'audit', 'max_file_bytes'],
      ['mcp', 'servers', '*', 'max_result_bytes'],
    ]);
    expect(schemaPaths(OSSA_CONFIG_SCHEMA, (schema) => schema['file'] === true)).toEqual([
      ['manifest_paths', '*'],
      ['cache', 'path'],
      ['tools', 'handlers_module'],
      ['security', 'audit', 'path'],
      ['security', 'secrets', 'vault_dir'],
      ['security', 'secrets', 'decrypt_key_file'],
      ['mcp', 'servers', '*', 'cwd'],
    ]);
  });
});
