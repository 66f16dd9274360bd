import { parseArgs } from 'node:util';
import { duplicateIssues, readManifests } from '../agents/agent-registry.js';
import { manifestEnvironment } from '../agents/manifest-environment.js';
import { defaultConfig, loadConfig } from '../config/load-config.js';
import { formatIssue, SourceError, type SourceIssue } from '../config/source-issue.js';
import { createGateway } from '../gateway.js';
import { createLogger } from '../observability/logger.js';
import type { CliCommand, CliIo } from './cli-io.js';

/** `ossa-gateway validate`: every problem in the manifests (and the config) at once. */
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check manifests (and the config) and list every problem',
  usage: `Usage: ossa-gateway validate [paths...] [--config FILE]

With paths: checks the structure of those manifests (files, or directories searched for
*.ossa.yaml|yml|json). Without paths: checks the config and every manifest it lists, then
that each agent's provider resolves, exactly as "serve" would. Exits 1 if anything is wrong.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
    const errors: SourceIssue[] = [];
    const warnings: SourceIssue[] = [];
    let agentCount = 0;

    if (positionals.length > 0) {
      // No config: the variables a default config lets a manifest read.
      const result = readManifests(positionals, { autoDiscover: true, baseDir: io.cwd, env: manifestEnvironment(defaultConfig(io.cwd), io.env) });
      errors.push(...result.errors, ...duplicateIssues(result.agents));
      warnings.push(...result.warnings);
      agentCount = result.agents.length;
    } else {
      try {
        const loaded = loadConfig({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
        warnings.push(...loaded.warnings);
        const env = manifestEnvironment(loaded.config, io.env);
        const result = readManifests(loaded.config.manifest_paths, { autoDiscover: loaded.config.auto_discover, baseDir: loaded.baseDir, env });
        errors.push(...result.errors, ...duplicateIssues(result.agents));
        warnings.push(...result.warnings);
        agentCount = result.agents.length;
        if (errors.length === 0) {
          const gateway = await createGateway({ config: loaded.config, baseDir: loaded.baseDir, env: io.env, logger: createLogger({ level: 'silent' }) });
          await gateway.close();
        }
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        errors.push(...error.issues);
      }
    }

    for (const warning of warnings) io.stderr(`warning: ${formatIssue(warning)}\n`);
    for (const error of errors) io.stderr(`error: ${formatIssue(error)}\n`);
    io.stdout(
      errors.length === 0
        ? `ok: ${agentCount} agent${agentCount === 1 ? '' : 's'} valid${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`
        : `failed: ${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`,
    );
    return errors.length === 0 ? 0 : 1;
  },
};
