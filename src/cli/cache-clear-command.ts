import { parseArgs } from 'node:util';
import { displayRedisUrl } from '../redis/display-redis-url.js';
import type { Gateway } from '../gateway.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { gatewayForCli } from './gateway-for-cli.js';

/** `ossa-gateway cache:clear [agent]`: invalidates cached responses in the configured store. */
export const cacheClearCommand: CliCommand = {
  name: 'cache:clear',
  summary: "clear the response cache, or one agent's entries",
  usage: `Usage: ossa-gateway cache:clear [agent] [--config FILE]

Clears every cached response, or only those of <agent>, in the store the config names
(cache.storage): the Redis at redis.url or the directory at cache.path, so every gateway
process sharing that store sees it at once. A memory cache lives inside each gateway process
and cannot be reached from here: use DELETE /v1/cache on each process instead.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
    if (positionals.length > 1) {
      io.stderr(`${cacheClearCommand.usage}\n`);
      return 2;
    }
    const agent = positionals[0];
    const gateway = await gatewayForCli(values.config, io);
    try {
      const cache = gateway.cache;
      if (!cache) {
        io.stderr('ossa-gateway cache:clear: the response cache is disabled (cache.enabled: false); nothing to clear\n');
        return 1;
      }
      if (cache.backend === 'memory') {
        io.stderr('ossa-gateway cache:clear: cache.storage is memory: each gateway process holds its own cache, which this command cannot reach; use DELETE /v1/cache (with an admin key) on each process\n');
        return 1;
      }
      const where = storeDescription(gateway);
      try {
        if (agent === undefined) await cache.clearAll();
        else await cache.invalidateAgent(agent);
      } catch (error) {
        if ((error as Error).name === 'AgentNotFoundError') throw error;
        io.stderr(`ossa-gateway cache:clear: the ${where} failed: ${(error as Error).message}\n`);
        return 1;
      }
      io.stdout(agent === undefined ? `cleared every cached response in the ${where}\n` : `cleared the cached responses of agent ${agent} in the ${where}\n`);
      return 0;
    } finally {
      await gateway.close();
    }
  },
};

function storeDescription(gateway: Gateway): string {
  const { cache, redis } = gateway.config;
  if (cache.storage === 'file') return `file cache at ${cache.path}`;
  return `redis cache at ${redis.url ? displayRedisUrl(redis.url) : '(no url)'} (prefix ${JSON.stringify(redis.key_prefix)})`;
}
