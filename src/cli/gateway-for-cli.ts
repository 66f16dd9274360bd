import { createGateway, type Gateway } from '../gateway.js';
import { resolveConfigPath } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import type { CliIo } from './cli-io.js';

/**
 * The gateway a one-shot command (`run`, `agents`) uses: same config resolution as `serve`
 * (`--config`, `OSSA_CONFIG`, `./ossa.yaml`, else the defaults), logs on stderr at `warn` so
 * stdout stays clean for the answer.
 */
export async function gatewayForCli(configFlag: string | undefined, io: CliIo, level: 'warn' | 'info' = 'warn'): Promise<Gateway> {
  const configPath = resolveConfigPath({ ...(configFlag !== undefined ? { flag: configFlag } : {}), env: io.env, cwd: io.cwd });
  const logger = createLogger({ level, destination: process.stderr });
  return createGateway({ ...(configPath ? { configPath } : { baseDir: io.cwd }), env: io.env, logger });
}
