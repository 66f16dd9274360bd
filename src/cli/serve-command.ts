import { parseArgs } from 'node:util';
import { loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load-config.js';
import { SourceError } from '../config/source-issue.js';
import { createGateway, type Gateway } from '../gateway.js';
import { createLogger } from '../observability/logger.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { runClusterPrimary } from './cluster/cluster-primary.js';
import { ClusterWorkerLink } from './cluster/cluster-worker-link.js';
import { perProcessLimits } from './cluster/per-process-limits.js';
import { parseWorkerCount } from './cluster/worker-count.js';

/** How long a timed-out shutdown still waits for the audit log to reach its sink. */
const AUDIT_FLUSH_GRACE_MS = 1_000;

/** `ossa-gateway serve`: the HTTP server, until SIGTERM or SIGINT. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'start the HTTP gateway',
  usage: `Usage: ossa-gateway serve [--config FILE] [--host HOST] [--port PORT] [--workers N|auto]

Starts the gateway. The config is --config, else $OSSA_CONFIG, else ./ossa.yaml, else the
embedded defaults (agents from ./agents, the offline echo provider). Any broken manifest or
config error is listed and the process exits 1 before listening. SIGTERM/SIGINT stop it
gracefully: no new requests, in-flight ones finish within server.shutdown_timeout. SIGHUP
re-reads provider keys given as file: or vault: references (key rotation without a restart).

--workers N (or server.workers; "auto": one per core) runs N processes on the one port
(node:cluster). Every limit must then be shared: serve refuses a rate limiter, budgets or
response cache kept in memory (use Redis, or the file cache). Signals go to the primary,
which passes them on; GET /metrics answers with every worker's metrics, summed.`,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, host: { type: 'string' }, port: { type: 'string', short: 'p' }, workers: { type: 'string', short: 'w' } },
    });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      io.stderr(`ossa-gateway serve: --port must be a number between 0 and 65535, got "${values.port}"\n`);
      return 2;
    }
    const flagWorkers = values.workers === undefined ? undefined : parseWorkerCount(values.workers);
    if (values.workers !== undefined && flagWorkers === undefined) {
      io.stderr(`ossa-gateway serve: --workers must be a number of processes from 1 to 1024, or "auto" (one per core), got "${values.workers}"\n`);
      return 2;
    }
    const configPath = resolveConfigPath({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
    const listenOn = { ...(values.host !== undefined ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}) };
    const link = ClusterWorkerLink.fromEnvironment(io.env);
    if (link) {
      try {
        return await serveAsWorker(link, configPath, listenOn, io);
      } catch (error) {
        // A worker that cannot start ends (1) once main() has printed why: the IPC channel,
        // which prom-client listens on, would keep it alive, and the primary waits for its exit.
        setImmediate(() => io.exit?.(1));
        throw error;
      }
    }
    // Read once here, so a broken config is reported once (createGateway reads it again: a cheap parse).
    const loaded = loadConfig({ ...(values.config !== undefined ? { flag: values.config } : {}), env: io.env, cwd: io.cwd });
    const workers = flagWorkers ?? parseWorkerCount(loaded.config.server.workers) ?? 1;
    if (workers > 1) return servePrimary(loaded, workers);
    const gateway = await createGateway({ ...(configPath ? { configPath } : { baseDir: io.cwd }), env: io.env });
    const { url } = await gateway.listen(listenOn);
    gateway.logger.info({ url, config: configPath ?? '(embedded defaults)', agents: gateway.registry.size }, `ossa-gateway listening on ${url}`);
    return waitForShutdown(gateway, io);
  },
};

/** `serve --workers N`: refuses per-process limits, then forks and supervises the workers. */
function servePrimary(loaded: LoadedConfig, workers: number): Promise<number> {
  refusePerProcessLimits(loaded, workers);
  const { config } = loaded;
  const logger = createLogger({ level: config.observability.log_level, pretty: config.env === 'dev' && process.stdout.isTTY === true }).child({ role: 'primary' });
  logger.info({ workers, config: loaded.file ?? '(embedded defaults)' }, `starting ${workers} workers`);
  return runClusterPrimary({ workers, logger, shutdownDelaySeconds: config.server.shutdown_delay, shutdownTimeoutSeconds: config.server.shutdown_timeout });
}

/**
 * One worker of `serve --workers N`: the gateway as one process serves it, on the port the
 * cluster shares, its `/metrics` answered by the primary with every worker's. It listens only
 * if its own gateway (with the agents' budgets known) keeps no limit per process.
 */
async function serveAsWorker(link: ClusterWorkerLink, configPath: string | undefined, listenOn: { host?: string; port?: number }, io: CliIo): Promise<number> {
  const loaded = loadConfig({ ...(configPath !== undefined ? { flag: configPath } : {}), env: io.env, cwd: io.cwd });
  const { config } = loaded;
  // Every line says which worker wrote it (SIGHUP, shutdown, errors).
  const logger = createLogger({ level: config.observability.log_level, pretty: config.env === 'dev' && process.stdout.isTTY === true }).child({ worker: link.index, pid: process.pid });
  const gateway = await createGateway({ ...(configPath ? { configPath } : { baseDir: io.cwd }), env: io.env, logger });
  try {
    refusePerProcessLimits(loaded, link.workers, { budgetsActive: gateway.budgets !== undefined });
  } catch (error) {
    await gateway.close();
    throw error;
  }
  if (gateway.observability.collector) link.shareMetrics(gateway.observability.collector);
  const { url } = await gateway.listen(listenOn);
  logger.info({ url }, `worker ${link.index} listening`);
  link.listening(url);
  // The primary decides when to stop (it passes SIGTERM on); without it, stop as if it had.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  const code = await waitForShutdown(gateway, io, { ignoreSigint: true });
  gateway.logger.flush();
  // prom-client listens on the IPC channel, which would keep the worker alive.
  io.exit?.(code);
  return code;
}

function refusePerProcessLimits(loaded: LoadedConfig, workers: number, built?: { budgetsActive: boolean }): void {
  const problems = perProcessLimits(loaded, workers, built);
  if (problems.length > 0) {
    throw new SourceError(`--workers ${workers} needs every limit shared by the workers: ${problems.length} store${problems.length === 1 ? ' is' : 's are'} per process`, problems);
  }
}

/**
 * Resolves with the exit code once a signal has stopped the gateway. When the shutdown takes
 * longer than `server.shutdown_timeout`, the process is ended there and then (`io.exit`):
 * the requests still in flight hold sockets and upstream calls that would keep it alive.
 */
function waitForShutdown(gateway: Gateway, io: CliIo, options: { ignoreSigint?: boolean } = {}): Promise<number> {
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
    // A worker: a terminal's Ctrl-C reaches the whole process group, and the primary passes it on as SIGTERM.
    if (options.ignoreSigint) process.on('SIGINT', () => undefined);
    else process.once('SIGINT', stop);
    process.on('SIGHUP', () => {
      const { rotated } = gateway.reloadSecrets();
      gateway.logger.info({ signal: 'SIGHUP', rotated }, `SIGHUP: secrets re-read, ${rotated.length} key${rotated.length === 1 ? '' : 's'} rotated`);
    });
  });
}
