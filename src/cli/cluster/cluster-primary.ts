import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../../observability/logger.js';
import { aggregateWorkerMetrics, type WorkerReport } from './aggregate-worker-metrics.js';
import { isClusterMessage, WORKER_ENV, type PrimaryToWorker, type WorkerToPrimary } from './cluster-messages.js';
import { RestartPolicy } from './restart-policy.js';

/** How long the primary waits for every worker's metrics before a scrape fails. */
const COLLECT_TIMEOUT_MS = 2_000;
/** Beyond a worker's own bound (drain, shutdown timeout, audit flush): then the primary stops waiting. */
const SHUTDOWN_MARGIN_MS = 3_000;

/** What the primary of `serve --workers N` needs. */
export interface ClusterPrimaryOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** `server.shutdown_delay` and `server.shutdown_timeout`, seconds: what each worker may take to stop. */
  readonly shutdownDelaySeconds: number;
  readonly shutdownTimeoutSeconds: number;
  readonly policy?: RestartPolicy;
}

/** One of the N places a worker runs in; a replacement takes its dead predecessor's index. */
interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  listened: boolean;
  restartTimer: NodeJS.Timeout | undefined;
}

interface Collection {
  readonly reports: WorkerReport[];
  readonly expected: number;
  readonly done: () => void;
}

/**
 * The primary of `serve --workers N`: it forks the first worker and, once that one listens
 * (so a problem it meets is printed once, not N times), the others on the same port (the
 * cluster shares the listening socket; with `--port 0` they all take the first one's port). It
 * logs the one URL when all listen; replaces a worker that dies (backing off, giving up on a
 * crash loop, `RestartPolicy`); forwards SIGTERM/SIGINT (each worker drains as one process
 * does) and SIGHUP (each re-reads its keys); and answers a worker's `/metrics` with every
 * worker's, summed. Resolves with 0 once every worker exited cleanly after a signal, else 1,
 * within the workers' own shutdown bound plus a margin.
 *
 * @example
 * if (cluster.isPrimary) return runClusterPrimary({ workers: 2, logger, shutdownDelaySeconds: 0, shutdownTimeoutSeconds: 10 });
 */
export function runClusterPrimary(options: ClusterPrimaryOptions): Promise<number> {
  const { workers, logger } = options;
  const policy = options.policy ?? new RestartPolicy();
  const slots: Slot[] = Array.from({ length: workers }, (_, i) => ({ index: i + 1, worker: undefined, listened: false, restartTimer: undefined }));
  const collections = new Map<number, Collection>();
  let nextCollection = 1;
  let announced = false;
  let everListened = false;
  let stopping = false;
  let forcedCode: number | undefined;
  let unclean = 0;

  return new Promise((resolve) => {
    let boundTimer: NodeJS.Timeout | undefined;
    const live = (): Worker[] => slots.flatMap((slot) => (slot.worker ? [slot.worker] : []));

    const fork = (slot: Slot): void => {
      slot.restartTimer = undefined;
      // Every worker asks for the same host and port as the first (`--port 0` too): the cluster
      // then hands them all the one socket it opened for the first.
      const worker = cluster.fork({ [WORKER_ENV.index]: String(slot.index), [WORKER_ENV.count]: String(workers) });
      slot.worker = worker;
      slot.listened = false;
      worker.on('message', (message: unknown) => onMessage(slot, worker, message));
      worker.on('exit', (code, signal) => onExit(slot, worker, code, signal));
    };

    const onMessage = (slot: Slot, worker: Worker, message: unknown): void => {
      if (!isClusterMessage<WorkerToPrimary>(message)) return;
      switch (message.type) {
        case 'ossa:listening': {
          slot.listened = true;
          policy.workerListening();
          const first = !everListened;
          everListened = true;
          logger.debug({ worker: slot.index, pid: worker.process.pid }, `worker ${slot.index} listening`);
          if (first && !stopping) for (const other of slots) if (other !== slot && !other.worker) fork(other);
          if (!announced && slots.every((s) => s.listened)) {
            announced = true;
            logger.info({ url: message.url, workers, pid: process.pid }, `ossa-gateway listening on ${message.url}`);
          }
          return;
        }
        case 'ossa:metrics:ask':
          void gatherMetrics().then(
            (body) => send(worker, { type: 'ossa:metrics:answer', id: message.id, body }),
            (error: unknown) => send(worker, { type: 'ossa:metrics:answer', id: message.id, error: error instanceof Error ? error.message : String(error) }),
          );
          return;
        case 'ossa:metrics:report': {
          const collection = collections.get(message.id);
          if (!collection) return;
          collection.reports.push({ worker: slot.index, metrics: message.metrics });
          if (collection.reports.length === collection.expected) collection.done();
          return;
        }
        default: {
          const unknown: never = message;
          logger.debug({ message: unknown }, 'unknown message from a worker');
        }
      }
    };

    const gatherMetrics = (): Promise<string> => {
      const targets = slots.filter((slot) => slot.worker?.isConnected() && slot.listened);
      const id = nextCollection++;
      return new Promise<WorkerReport[]>((done, fail) => {
        const timer = setTimeout(() => {
          collections.delete(id);
          fail(new Error(`a worker did not report its metrics within ${COLLECT_TIMEOUT_MS} ms`));
        }, COLLECT_TIMEOUT_MS);
        const reports: WorkerReport[] = [];
        collections.set(id, {
          reports,
          expected: targets.length,
          done: () => {
            clearTimeout(timer);
            collections.delete(id);
            done(reports);
          },
        });
        for (const slot of targets) send(slot.worker!, { type: 'ossa:metrics:collect', id });
      }).then((reports) => aggregateWorkerMetrics(reports.sort((a, b) => a.worker - b.worker)));
    };

    const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null): void => {
      if (slot.worker === worker) slot.worker = undefined;
      const how = signal ? `signal ${signal}` : `code ${String(code)}`;
      if (stopping) {
        if (code !== 0) unclean++;
        logger.info({ worker: slot.index, pid: worker.process.pid, code, signal }, `worker ${slot.index} exited (${how})`);
        if (live().length === 0) finish();
        return;
      }
      if (!everListened) {
        // The first worker could not start: what it printed is the reason, and another would print it again.
        logger.error({ worker: slot.index, pid: worker.process.pid, code, signal }, `worker ${slot.index} exited (${how}) before it listened; giving up`);
        stop(undefined, 1);
        return;
      }
      const next = policy.workerDied({ listened: slot.listened });
      if ('giveUp' in next) {
        logger.error({ worker: slot.index, pid: worker.process.pid, code, signal }, `worker ${slot.index} exited (${how}); giving up: ${next.giveUp}`);
        stop(undefined, 1);
        return;
      }
      logger.error({ worker: slot.index, pid: worker.process.pid, code, signal, restart_in_ms: next.restartInMs }, `worker ${slot.index} (pid ${String(worker.process.pid)}) exited unexpectedly (${how}); restarting it in ${next.restartInMs} ms`);
      slot.restartTimer = setTimeout(() => fork(slot), next.restartInMs);
    };

    const stop = (signal: NodeJS.Signals | undefined, code?: number): void => {
      if (code !== undefined) forcedCode ??= code;
      if (stopping) {
        // A second signal (an impatient Ctrl-C) reaches every worker again: as a second one would end one process, it ends them.
        for (const worker of live()) worker.process.kill('SIGTERM');
        return;
      }
      stopping = true;
      for (const slot of slots) {
        if (slot.restartTimer) clearTimeout(slot.restartTimer);
        slot.restartTimer = undefined;
      }
      const boundMs = (options.shutdownDelaySeconds + options.shutdownTimeoutSeconds) * 1000 + SHUTDOWN_MARGIN_MS;
      if (signal) logger.info({ signal, workers: live().length, bound_ms: boundMs }, `${signal}: stopping ${live().length} worker${live().length === 1 ? '' : 's'}`);
      // SIGTERM whatever the primary got: a worker ignores SIGINT, which a terminal sends the whole group.
      for (const worker of live()) worker.process.kill('SIGTERM');
      if (live().length === 0) {
        finish();
        return;
      }
      boundTimer = setTimeout(() => {
        const left = live();
        logger.error({ workers: left.map((w) => w.process.pid), bound_ms: boundMs }, `${left.length} worker${left.length === 1 ? '' : 's'} still running after ${boundMs} ms; killing them`);
        unclean += left.length;
        for (const worker of left) worker.process.kill('SIGKILL');
        finish();
      }, boundMs);
    };

    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (boundTimer) clearTimeout(boundTimer);
      process.off('SIGTERM', onTerminate);
      process.off('SIGINT', onTerminate);
      process.off('SIGHUP', onHangup);
      const exitCode = forcedCode ?? (unclean === 0 ? 0 : 1);
      logger.info({ code: exitCode }, exitCode === 0 ? 'shutdown complete: every worker exited cleanly' : 'shutdown finished: not every worker exited cleanly');
      resolve(exitCode);
    };

    const onTerminate = (signal: NodeJS.Signals): void => stop(signal);
    const onHangup = (): void => {
      const targets = live();
      logger.info({ signal: 'SIGHUP', workers: targets.length }, `SIGHUP: forwarded to ${targets.length} worker${targets.length === 1 ? '' : 's'}`);
      for (const worker of targets) worker.process.kill('SIGHUP');
    };
    process.on('SIGTERM', onTerminate);
    process.on('SIGINT', onTerminate);
    process.on('SIGHUP', onHangup);
    fork(slots[0]!);
  });
}

function send(worker: Worker, message: PrimaryToWorker): void {
  if (worker.isConnected()) worker.send(message);
}
