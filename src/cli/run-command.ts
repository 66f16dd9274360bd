import { parseArgs } from 'node:util';
import type { CliCommand, CliIo } from './cli-io.js';
import { gatewayForCli } from './gateway-for-cli.js';

/** `ossa-gateway run <agent> <input>`: one execution, printed. */
export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run one agent once and print its answer',
  usage: `Usage: ossa-gateway run <agent> <input> [--context JSON] [--json] [--config FILE]

Runs the agent through the same pipeline as the HTTP API, without its rate limits, and prints
the output (with provider, model and token counts on stderr). --json prints the whole
AgentResponse.
--context takes a JSON object whose entries are added to the system prompt.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, context: { type: 'string' }, json: { type: 'boolean' } },
    });
    const [agent, ...inputWords] = positionals;
    if (!agent || inputWords.length === 0) {
      io.stderr(`${runCommand.usage}\n`);
      return 2;
    }
    let context: Record<string, unknown> = {};
    if (values.context !== undefined) {
      try {
        const parsed: unknown = JSON.parse(values.context);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        context = parsed as Record<string, unknown>;
      } catch {
        io.stderr('ossa-gateway run: --context must be a JSON object, e.g. --context \'{"user":"ada"}\'\n');
        return 2;
      }
    }
    const gateway = await gatewayForCli(values.config, io);
    try {
      // An operator at a terminal, not a client: no bucket is checked or spent.
      const response = await gateway.execute(agent, inputWords.join(' '), context, { skipRateLimit: true });
      if (values.json) io.stdout(`${JSON.stringify(response, null, 2)}\n`);
      else {
        io.stdout(`${response.output}\n`);
        io.stderr(`(${response.provider}, ${response.model}, ${response.usage.input_tokens}+${response.usage.output_tokens} tokens, ${Math.round(response.duration_ms)} ms${response.fallback_used ? ', fallback' : ''})\n`);
      }
      return 0;
    } finally {
      await gateway.close();
    }
  },
};
