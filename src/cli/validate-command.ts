import { parseArgs } from 'node:util';
import { clashIssues, readManifests, type ReadManifestsOptions } from '../agents/agent-registry.js';
import { emptyLoadResult, type ManifestLoadResult } from '../agents/load-manifest.js';
import { manifestEnvironment } from '../agents/manifest-environment.js';
import { OssaSchemaSet } from '../agents/ossa-schema-set.js';
import { defaultConfig, loadConfig } from '../config/load-config.js';
import type { OssaConfig } from '../config/ossa-config.js';
import { formatIssue, SourceError, type SourceIssue } from '../config/source-issue.js';
import { createGateway } from '../gateway.js';
import { createLogger } from '../observability/logger.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { formatValidationSummary } from './validation-summary.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import { loadHandlersModule } from '../tools/function/load-handlers-module.js';
import type { ToolHandlers } from '../tools/function/tool-handler.js';
import { resolveAgentTools, type DeclaredTool } from '../tools/resolve-agent-tools.js';
import { closeToolKinds, toolKinds } from '../tools/tool-kinds.js';
import { McpConnectionManager } from '../tools/mcp/mcp-connection-manager.js';

/** `ossa-gateway validate`: every problem in the manifests (and the config) at once, then a summary. */
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check manifests (and the config) and list every problem',
  usage: `Usage: ossa-gateway validate [paths...] [--schemas DIR] [--deployment] [--quiet] [--config FILE]

With paths: reads the manifests there (files as given; in directories, recursively, every
.yaml/.yml/.json file that holds an OSSA document, the others listed as skipped with the
reason) and checks what the gateway reads from them. Two agents with the same name and
version are a warning, or an error with --deployment (as "serve" treats them).
Without paths: checks the config and every manifest it lists, then that each agent's
provider resolves, exactly as "serve" would.

--schemas DIR  also check every OSSA document against the official JSON Schema of its
               apiVersion, from DIR: vX.Y-head.json, else vX.Y.Z.json, else the newest
               vX.Y.*.json (see the README). A document no schema matches is an error.
--quiet        print errors and the summary only (no warnings, no skipped files)

Prints a summary (files read and skipped, agents, errors, warnings, and with --schemas how
many files pass their schema). Exits 1 if anything is wrong.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        schemas: { type: 'string' },
        deployment: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
    const errors: SourceIssue[] = [];
    const warnings: SourceIssue[] = [];
    let result: ManifestLoadResult = emptyLoadResult();
    let handlersModule: string | undefined;
    let toolsConfig: OssaConfig = defaultConfig(io.cwd);

    let schemas: OssaSchemaSet | undefined;
    if (values.schemas !== undefined) {
      const opened = OssaSchemaSet.open(values.schemas, io.cwd);
      if (!opened.schemas) {
        for (const issue of opened.issues) io.stderr(`error: ${formatIssue(issue)}\n`);
        return 1;
      }
      schemas = opened.schemas;
    }
    const read = (paths: readonly string[], options: ReadManifestsOptions, deployment: boolean): void => {
      result = readManifests(paths, { ...options, ...(schemas ? { schemas } : {}) });
      errors.push(...result.errors);
      warnings.push(...result.warnings, ...result.unenforced);
      // Served side by side, versions of one name are fine; the same version twice is a clash.
      (deployment ? errors : warnings).push(...clashIssues(result.agents));
    };

    if (positionals.length > 0) {
      // No config: the variables a default config lets a manifest read.
      read(positionals, { autoDiscover: true, baseDir: io.cwd, env: manifestEnvironment(defaultConfig(io.cwd), io.env) }, values.deployment === true);
    } else {
      try {
        const loaded = loadConfig({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
        warnings.push(...loaded.warnings);
        handlersModule = loaded.config.tools.handlers_module;
        toolsConfig = loaded.config;
        read(loaded.config.manifest_paths, { autoDiscover: loaded.config.auto_discover, baseDir: loaded.baseDir, env: manifestEnvironment(loaded.config, io.env) }, true);
        if (errors.length === 0) {
          const gateway = await createGateway({ config: loaded.config, baseDir: loaded.baseDir, env: io.env, logger: createLogger({ level: 'silent' }) });
          await gateway.close();
        }
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        errors.push(...error.issues);
      }
    }

    // Which tools each agent could run, with the handlers the config names (none without a config).
    const tools = await declaredTools(result.agents, handlersModule, toolsConfig, io);
    for (const { declared } of tools) for (const tool of declared) if (tool.problem) warnings.push(tool.problem);

    if (values.quiet !== true) {
      for (const { agent, declared, file } of tools) io.stderr(`tools: ${file}: agent ${agent}: ${describeTools(declared)}\n`);
      for (const skipped of result.skippedFiles) io.stderr(`skipped: ${skipped.file}: ${skipped.reason}\n`);
      for (const skipped of result.skipped) io.stderr(`skipped: ${skipped.file} (document ${skipped.document + 1}): ${skipped.reason}\n`);
      for (const warning of warnings) io.stderr(`warning: ${formatIssue(warning)}\n`);
    }
    for (const error of errors) io.stderr(`error: ${formatIssue(error)}\n`);
    io.stdout(formatValidationSummary({ errors: errors.length, warnings: warnings.length, result, tools, ...(values.schemas !== undefined ? { schemasDir: schemas!.dir } : {}) }, io.cwd));
    return errors.length === 0 ? 0 : 1;
  },
};

/** Each agent that declares tools, and what the tool kinds make of them (the handlers of `handlersModule`, when given). */
async function declaredTools(agents: readonly AgentDefinition[], handlersModule: string | undefined, config: OssaConfig, io: CliIo): Promise<{ agent: string; file: string; declared: readonly DeclaredTool[] }[]> {
  let handlers: ToolHandlers = {};
  if (handlersModule !== undefined) {
    const loaded = await loadHandlersModule(handlersModule, handlersModule);
    if (loaded.problem) io.stderr(`error: ${formatIssue(loaded.problem)}\n`);
    handlers = loaded.handlers;
  }
  // http tools as the config allows them (no config: the defaults, which allow no host). MCP
  // servers are not started: an mcp tool naming a configured server counts as runnable (`mcp:list` checks the servers).
  const kinds = toolKinds({
    handlers,
    defaultTimeoutMs: config.tools.default_timeout * 1000,
    http: { config: config.tools.http, env: manifestEnvironment(config, io.env) },
    mcp: new McpConnectionManager(config.mcp),
  });
  const declared = agents
    .filter((agent) => (agent.toolEntries ?? []).length > 0)
    .map((agent) => ({ agent: agent.name, file: `${agent.source.file}:${agent.source.line}`, declared: resolveAgentTools(agent, kinds).declared }));
  await closeToolKinds(kinds);
  return declared;
}

/** `runnable: a, b; not runnable: c (mcp), d (function: no handler)`. */
function describeTools(declared: readonly DeclaredTool[]): string {
  const runnable = declared.filter((tool) => tool.problem === undefined).map((tool) => tool.name);
  const not = declared.filter((tool) => tool.problem !== undefined).map((tool) => `${tool.name} (${tool.kind === undefined ? 'no kind runs it' : tool.problem!.message.endsWith('has no handler') ? `${tool.kind}: no handler` : `${tool.kind}: ${tool.problem!.message}`})`);
  return [runnable.length > 0 ? `runnable: ${runnable.join(', ')}` : 'nothing runnable', ...(not.length > 0 ? [`not runnable: ${not.join(', ')}`] : [])].join('; ');
}
