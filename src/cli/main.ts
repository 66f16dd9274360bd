import { formatIssue, SourceError } from '../config/source-issue.js';
import { agentsCommand } from './agents-command.js';
import { cacheClearCommand } from './cache-clear-command.js';
import { processIo, type CliCommand, type CliIo } from './cli-io.js';
import { mcpListCommand } from './mcp-list-command.js';
import { runCommand } from './run-command.js';
import { secretsGenerateKeysCommand } from './secrets-generate-keys-command.js';
import { secretsListCommand } from './secrets-list-command.js';
import { secretsNewKeyCommand } from './secrets-new-key-command.js';
import { secretsRemoveCommand } from './secrets-remove-command.js';
import { secretsSetCommand } from './secrets-set-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';

/** Every command, in the order `--help` lists them. Later features register theirs here. */
export const COMMANDS: CliCommand[] = [
  serveCommand,
  runCommand,
  validateCommand,
  agentsCommand,
  cacheClearCommand,
  mcpListCommand,
  secretsGenerateKeysCommand,
  secretsSetCommand,
  secretsListCommand,
  secretsRemoveCommand,
  secretsNewKeyCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: ossa-gateway <command> [options]

Serves OSSA agents over HTTP, hardened for production.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "ossa-gateway <command> --help" for a command's options.
`;
}

/** The CLI entry point; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`ossa-gateway: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof SourceError) {
      io.stderr(`ossa-gateway ${name}: ${error.summary}\n${error.issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}\n`);
      return 1;
    }
    if (error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ossa-gateway ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    io.stderr(`ossa-gateway ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
