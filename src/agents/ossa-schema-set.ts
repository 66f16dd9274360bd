import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SourceIssue } from '../config/source-issue.js';
import type { SourceDocument } from '../config/yaml-source.js';
import { toSchemaIssues } from './schema-issues.js';

// ajv-formats is CommonJS: its default export arrives wrapped, depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** A schema file name: `v0.4.6.json` (a release) or `v0.4-head.json` (the line's current schema). */
const SCHEMA_FILE = /^v(\d+)\.(\d+)(?:\.(\d+)|-head)\.json$/;
const API_VERSION = /^(?:ossa\/)?v(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][0-9A-Za-z.-]+)?$/;
/** An official schema is half a megabyte; ten times that is not a schema. */
const MAX_SCHEMA_BYTES = 8 * 1024 * 1024;

/** The outcome of checking one document against the schema of its apiVersion. */
export interface SchemaCheck {
  readonly apiVersion: string;
  /** The schema file used; absent when none matches the apiVersion (that is an error too). */
  readonly schema?: string;
  readonly issues: readonly SourceIssue[];
}

/**
 * Which schema file validates an apiVersion, among `files` (names in the schema directory).
 * The rule, for `ossa/vX.Y.Z` (or `ossa/vX.Y`):
 *
 * 1. `vX.Y-head.json`: the line's current schema. This is what the OSSA CLI does: it loads
 *    `spec/vX.Y/agent.schema.json` for every `X.Y.*` version (openstandardagents,
 *    `src/repositories/schema.repository.ts`, `getSchemaPath`);
 * 2. else `vX.Y.Z.json`, the schema released with that version;
 * 3. else the newest `vX.Y.*.json` (a later patch of the same line).
 *
 * No file of the line: no schema (the caller says so). To validate against the exact
 * release schemas, point at a directory without `-head` files.
 */
export function pickSchemaFile(apiVersion: string, files: readonly string[]): string | undefined {
  const match = API_VERSION.exec(apiVersion.trim());
  if (!match) return undefined;
  const [, major, minor = '0', patch] = match;
  const line = `v${major}.${minor}`;
  if (files.includes(`${line}-head.json`)) return `${line}-head.json`;
  if (patch !== undefined && files.includes(`${line}.${patch}.json`)) return `${line}.${patch}.json`;
  const releases = files
    .map((file) => ({ file, match: SCHEMA_FILE.exec(file) }))
    .filter(({ match: m }) => m && `v${m[1]}.${m[2]}` === line && m[3] !== undefined)
    .sort((a, b) => Number(b.match![3]) - Number(a.match![3]));
  return releases[0]?.file;
}

/**
 * The official OSSA JSON Schemas in a directory the user names (`validate --schemas DIR`), one
 * per file as `pickSchemaFile` names them, each compiled on first use (Ajv with the formats the
 * schemas use, all errors, `strict: false` as the OSSA CLI runs it: the schemas carry their own
 * keywords).
 *
 * @example
 * const { schemas, issues } = OssaSchemaSet.open('../shared/ossa-schemas');
 * const check = schemas?.check(document, document.toJS());
 */
export class OssaSchemaSet {
  readonly dir: string;
  /** The schema files found, sorted. */
  readonly files: readonly string[];
  readonly #compiled = new Map<string, ValidateFunction | Error>();

  private constructor(dir: string, files: readonly string[]) {
    this.dir = dir;
    this.files = files;
  }

  /** Lists the schema files of `dir`; a missing directory, or one without any, is an issue. */
  static open(dir: string, baseDir = process.cwd()): { schemas?: OssaSchemaSet; issues: SourceIssue[] } {
    const path = resolve(baseDir, dir);
    let files: string[];
    try {
      files = readdirSync(path).filter((file) => SCHEMA_FILE.test(file)).sort();
    } catch (error) {
      return { issues: [{ file: path, message: `cannot read the schema directory: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }] };
    }
    if (files.length === 0) {
      return { issues: [{ file: path, message: 'no schema files here (expected names such as v0.4.6.json or v0.4-head.json)' }] };
    }
    return { schemas: new OssaSchemaSet(path, files), issues: [] };
  }

  /** The schema file for `apiVersion`, or undefined (see `pickSchemaFile`). */
  schemaFor(apiVersion: string): string | undefined {
    return pickSchemaFile(apiVersion, this.files);
  }

  /**
   * Checks one document (its value as written: before `${VAR}` placeholders are resolved, as
   * the schemas expect them) against the schema of its apiVersion. Errors are positioned at
   * file:line:column, with the schema's message.
   */
  check(source: SourceDocument, value: unknown): SchemaCheck {
    const raw = source.peek('apiVersion');
    const apiVersion = typeof raw === 'string' ? raw.trim() : '';
    const schema = apiVersion === '' ? undefined : this.schemaFor(apiVersion);
    if (schema === undefined) {
      const message = apiVersion === ''
        ? 'no apiVersion: no schema to check the document against'
        : `no schema in ${this.dir} matches apiVersion "${apiVersion}" (schemas: ${this.files.map((f) => f.replace(/\.json$/, '')).join(', ')})`;
      return { apiVersion, issues: [source.issueAt(['apiVersion'], message)] };
    }
    const validate = this.#compile(schema);
    if (validate instanceof Error) return { apiVersion, schema, issues: [{ file: join(this.dir, schema), message: `cannot use the schema: ${validate.message}` }] };
    if (validate(value)) return { apiVersion, schema, issues: [] };
    return { apiVersion, schema, issues: toSchemaIssues(validate.errors ?? [], source, value, schema) };
  }

  #compile(file: string): ValidateFunction | Error {
    let compiled = this.#compiled.get(file);
    if (compiled) return compiled;
    try {
      const path = join(this.dir, file);
      const size = statSync(path).size;
      if (size > MAX_SCHEMA_BYTES) throw new Error(`${size} bytes; schemas are limited to ${MAX_SCHEMA_BYTES}`);
      // One Ajv per file: releases of one line share an $id, and one instance would refuse the second.
      const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
      addFormats(ajv);
      compiled = ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
    } catch (error) {
      compiled = error instanceof Error ? error : new Error(String(error));
    }
    this.#compiled.set(file, compiled);
    return compiled;
  }
}
