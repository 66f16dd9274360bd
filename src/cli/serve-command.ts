import { parseArgs } from 'node:util';
import { resolveConfigPath } from '../config/load-config.js';
import { createGateway, type Gateway } from '../gateway.js';
import type { CliCommand, CliIo } from './cli-io.js';

/** How long a timed-out shutdown still waits for the audit log to reach its sink. */
const AUDIT_FLUSH_GRACE_MS = 1_000;

/** `ossa-gateway serve`: the HTTP server, until SIGTERM or SIGINT. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'start the HTTP gateway',
  usage: `Usage: ossa-gateway serve [--config FILE] [--host HOST] [--port PORT]

Starts the gateway. The config is --config, else $OSSA_CONFIG, else ./ossa.yaml, else the
embedded defaults (agents from ./agents, the offline echo provider). Any broken manifest or
config error is listed and the process exits 1 before listening. SIGTERM/SIGINT stop it
gracefully: no new requests, in-flight ones finish within server.shutdown_timeout. SIGHUP
re-reads provider keys given as file: or vault: references (key rotation without a restart).`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, host: { type: 'string' }, port: { type: 'string', short: 'p' } } });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      io.stderr(`ossa-gateway serve: --port must be a number between 0 and 65535, got "${values.port}"\n`);
      return 2;
    }
    const configPath = resolveConfigPath({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
    const gateway = await createGateway({ ...(configPath ? { configPath } : { baseDir: io.cwd }), env: io.env });
    const { url } = await gateway.listen({ ...(values.host !== undefined ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}) });
    gateway.logger.info({ url, config: configPath ?? '(embedded defaults)', agents: gateway.registry.size }, `ossa-gateway listening on ${url}`);
    return waitForShutdown(gateway, io);
  },
};

/**
 * Resolves with the exit code once a signal has stopped the gateway. When the shutdown takes
 * longer than `server.shutdown_timeout`, the process is ended there and then (`io.exit`):
 * the requests still in flight hold sockets and upstream calls that would keep it alive.
 */
function waitForShutdown(gateway: Gateway, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let drainTimer: NodeJS.Timeout | undefined;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal while draining (an impatient Ctrl-C) skips the rest of the delay.
        if (drainTimer) {
          clearTimeout(drainTimer);
          drainTimer = undefined;
          closeGateway(signal);
        }
        return;
      }
      stopping = true;
      const delayMs = gateway.config.server.shutdown_delay * 1000;
      if (delayMs > 0) {
        gateway.drain();
        gateway.logger.info({ signal, delay_ms: delayMs }, 'draining: /readyz answers 503, requests still served until the listener closes');
        drainTimer = setTimeout(() => {
          drainTimer = undefined;
          closeGateway(signal);
        }, delayMs);
      } else {
        closeGateway(signal);
      }
    };
    const closeGateway = (signal: NodeJS.Signals): void => {
      const timeoutMs = gateway.config.server.shutdown_timeout * 1000;
      gateway.logger.info({ signal, timeout_ms: timeoutMs }, 'shutting down: finishing in-flight requests');
      const timer = setTimeout(() => {
        gateway.logger.error({ timeout_ms: timeoutMs }, 'shutdown timed out; exiting with requests still in flight');
        // The audit records written so far are the last thing worth a moment (at most 1 s).
        const flushed = Promise.race([gateway.audit?.flush(), new Promise((done) => setTimeout(done, AUDIT_FLUSH_GRACE_MS).unref())]);
        const exit = (): void => {
          gateway.logger.flush();
          resolve(1);
          io.exit?.(1);
        };
        void flushed.then(exit, exit);
      }, timeoutMs);
      timer.unref();
      gateway.close().then(
        () => {
          clearTimeout(timer);
          gateway.logger.info('shutdown complete');
          resolve(0);
        },
        (error: unknown) => {
          clearTimeout(timer);
          gateway.logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', () => {
      const { rotated } = gateway.reloadSecrets();
      gateway.logger.info({ signal: 'SIGHUP', rotated }, `SIGHUP: secrets re-read, ${rotated.length} key${rotated.length === 1 ? '' : 's'} rotated`);
    });
  });
}
