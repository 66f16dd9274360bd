import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from './build-config.js';
import { OSSA_CONFIG_SCHEMA } from './config-schema.js';
import { didYouMean, isRecord, showValue, type ConfigProblem } from './config-problem.js';
import { suggest } from './did-you-mean.js';
import type { Environment } from './interpolate.js';
import { interpolateTree } from './interpolate-tree.js';
import { SECRET_KEY_PATHS, type OssaConfig } from './ossa-config.js';
import { formatPath, SourceError, type SourceIssue } from './source-issue.js';
import { parseYamlSource, pathMatches, SourceIssueError, type KeyPath, type SourceDocument } from './yaml-source.js';

/** The root key of ossa.yaml (as in the Symfony bundle's `config/packages/ossa.yaml`). */
const ROOT_KEY = 'ossa';
/** The file looked for in the working directory when neither `--config` nor `OSSA_CONFIG` is given. */
const DEFAULT_FILE = 'ossa.yaml';
const TREE_KEYS = Object.keys(OSSA_CONFIG_SCHEMA.properties as Record<string, unknown>);

/** A validated configuration and where it came from. */
export interface LoadedConfig {
  readonly config: OssaConfig;
  /** Absolute path of the file, when the config came from one. */
  readonly file?: string;
  /** Relative paths in the config were resolved against this directory (the file's). */
  readonly baseDir: string;
  /** Legal but risky settings, positioned like errors. */
  readonly warnings: SourceIssue[];
  /**
   * Where a key path of the `ossa:` tree is in the file, for problems found once the config is
   * loaded (a pass-through model named like an agent); absent for a config given as data.
   */
  readonly locate?: (path: KeyPath) => { readonly line?: number; readonly column?: number };
}

/**
 * Reads, interpolates and validates an ossa.yaml. Throws a `SourceError` listing every problem
 * (each with file:line:column and key path), also for a missing, unreadable or empty file.
 *
 * @example
 * const { config, warnings } = loadConfigFile('ossa.yaml');
 */
export function loadConfigFile(file: string, env: Environment = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'the file does not exist'
      : code === 'EISDIR' ? 'this is a directory; expected a YAML file such as ossa.yaml'
      : code === 'EACCES' ? 'permission denied'
      : (error as Error).message;
    throw new SourceError(`cannot read the configuration file ${file}`, [{ file, message: reason }]);
  }
  return parseConfigText(text, file, env);
}

/**
 * Validates the text of an ossa.yaml; `file` names it in messages and locates relative paths.
 * `${VAR}` placeholders are replaced from `env`, except in secret-valued keys
 * (`SECRET_KEY_PATHS`), which keep the reference as written for the secrets module.
 */
export function parseConfigText(text: string, file: string, env: Environment = process.env): LoadedConfig {
  const docs = parseYamlSource(text, file);
  const syntax = docs.flatMap((doc) => doc.syntaxIssues);
  if (syntax.length > 0) throw new SourceError(`${file} is not valid YAML (${count(syntax)})`, syntax);
  const first = docs[0];
  const empty = new SourceError(`${file} is empty`, [{ file, line: 1, column: 1, message: `the file is empty: expected the root key "${ROOT_KEY}:"` }]);
  if (first === undefined) throw empty;
  if (docs.length > 1) {
    const extra = docs[1]!;
    throw new SourceError(`invalid configuration in ${file}`, [
      { file, ...extra.start, message: `expected one YAML document, found ${docs.length}`, hint: 'remove the "---" separator' },
    ]);
  }

  const unset = first
    .interpolate(env, (keyPath) => keyPath[0] !== ROOT_KEY || isSecretPath(keyPath.slice(1)))
    .map((issue) => ({ ...issue, path: issue.path?.replace(/^ossa\.?/, '') }));
  let root: unknown;
  try {
    root = first.toJS();
  } catch (error) {
    if (error instanceof SourceIssueError) throw new SourceError(`invalid configuration in ${file}`, [error.issue]);
    throw error;
  }
  if (root === null || root === undefined) throw empty;

  const locate = (problem: ConfigProblem): SourceIssue => ({
    file,
    ...first.positionOf([ROOT_KEY, ...(problem.anchor ?? problem.path)], problem.at),
    path: formatPath(problem.path),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  });
  const rootIssues = checkRoot(root, first, file);
  const baseDir = path.dirname(path.resolve(file));
  const result = isRecord(root) && ROOT_KEY in root ? buildConfig(root[ROOT_KEY], baseDir) : { errors: [], warnings: [] };
  const issues = sortByPosition([...rootIssues, ...unset, ...withoutPaths(result.errors.map(locate), unset)]);
  if (issues.length > 0 || !result.config) throw new SourceError(`invalid configuration in ${file} (${count(issues)})`, issues);
  return { config: result.config, file: path.resolve(file), baseDir, warnings: result.warnings.map(locate), locate: (keys) => first.positionOf([ROOT_KEY, ...keys], 'key') };
}

/**
 * Validates a configuration given as plain data (the library API): either `{ ossa: {...} }`
 * or the inner tree. Strings are interpolated as in a file; relative paths resolve against
 * `baseDir` (default: the working directory). Problems name key paths, without line numbers.
 * The input is not changed.
 *
 * @example
 * const { config } = normalizeConfig({ providers: { anthropic: { api_key: '${ANTHROPIC_API_KEY}' } } });
 */
export function normalizeConfig(
  input: unknown,
  options: { source?: string; baseDir?: string; env?: Environment } = {},
): LoadedConfig {
  const source = options.source ?? 'config';
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const wrapped = isRecord(input) && ROOT_KEY in input;
  const extraRootKeys = wrapped ? Object.keys(input).filter((key) => key !== ROOT_KEY) : [];
  const tree = wrapped ? input[ROOT_KEY] : input;
  const { value, problems } = interpolateTree(tree, options.env ?? process.env, isSecretPath);
  const result = buildConfig(value, baseDir);
  const toIssue = (problem: ConfigProblem): SourceIssue => ({
    file: source,
    path: formatPath(problem.path),
    message: problem.message,
    ...(problem.hint ? { hint: problem.hint } : {}),
  });
  const issues = [
    ...extraRootKeys.map((key) => ({ file: source, path: key, message: `unknown root key "${key}"`, ...didYouMean(suggest(key, [ROOT_KEY])) })),
    ...problems.map(toIssue),
    ...withoutPaths(result.errors.map(toIssue), problems.map(toIssue)),
  ];
  if (issues.length > 0 || !result.config) throw new SourceError(`invalid configuration in ${source} (${count(issues)})`, issues);
  return { config: result.config, baseDir, warnings: result.warnings.map(toIssue) };
}

/** The configuration used when there is no file: every default, `agents/` under `baseDir`. */
export function defaultConfig(baseDir: string = process.cwd()): OssaConfig {
  return normalizeConfig({}, { baseDir, env: {} }).config;
}

/**
 * Which file to load: the `--config` flag, else `OSSA_CONFIG`, else `ossa.yaml` in `cwd` if it
 * exists. `undefined` means "no file: use `defaultConfig()`". A path that is given but does not
 * exist is returned anyway, so loading it reports the problem.
 */
export function resolveConfigPath(options: { flag?: string; env?: Environment; cwd?: string } = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const given = nonEmpty(options.flag) ?? nonEmpty((options.env ?? process.env)['OSSA_CONFIG']);
  if (given !== undefined) return path.resolve(cwd, given);
  const local = path.join(cwd, DEFAULT_FILE);
  return existsSync(local) ? local : undefined;
}

/**
 * `resolveConfigPath` then `loadConfigFile`, or the defaults when there is no file.
 *
 * @example
 * const { config } = loadConfig({ flag: args.config });
 */
export function loadConfig(options: { flag?: string; env?: Environment; cwd?: string } = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = resolveConfigPath({ ...options, env });
  if (file !== undefined) return loadConfigFile(file, env);
  const baseDir = options.cwd ?? process.cwd();
  return { config: defaultConfig(baseDir), baseDir, warnings: [] };
}

function isSecretPath(keyPath: KeyPath): boolean {
  return SECRET_KEY_PATHS.some((pattern) => pathMatches(keyPath, pattern));
}

/** Problems with the document's top level: it must be a mapping whose only key is `ossa`. */
function checkRoot(root: unknown, doc: SourceDocument, file: string): SourceIssue[] {
  if (!isRecord(root)) {
    return [{ file, ...doc.start, message: `expected a mapping with the root key "${ROOT_KEY}", got ${showValue(root)}` }];
  }
  const others = Object.keys(root).filter((key) => key !== ROOT_KEY);
  if (!(ROOT_KEY in root) && others.some((key) => TREE_KEYS.includes(key))) {
    return [{
      file,
      ...doc.start,
      message: `missing the root key "${ROOT_KEY}"`,
      hint: `write "${ROOT_KEY}:" on the first line and indent the settings below it`,
    }];
  }
  const issues: SourceIssue[] = others.map((key) => ({
    file,
    ...doc.positionOf([key], 'key'),
    path: key,
    message: `unknown root key "${key}"`,
    ...didYouMean(suggest(key, [ROOT_KEY])),
  }));
  if (!(ROOT_KEY in root) && !issues.some((issue) => issue.hint)) {
    issues.push({ file, ...doc.start, message: `missing the root key "${ROOT_KEY}"` });
  }
  return issues;
}

/** `issues` minus those at a key path `reported` already names (a value left as `${VAR}`). */
function withoutPaths(issues: SourceIssue[], reported: readonly SourceIssue[]): SourceIssue[] {
  const paths = new Set(reported.map((issue) => issue.path));
  return issues.filter((issue) => !paths.has(issue.path));
}

function sortByPosition(issues: SourceIssue[]): SourceIssue[] {
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.order - b.order)
    .map(({ issue }) => issue);
}

function count(issues: readonly unknown[]): string {
  return issues.length === 1 ? '1 problem' : `${issues.length} problems`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
