import cluster from 'node:cluster';
import type { MetricsCollector } from '../../observability/metrics/metrics-collector.js';
import { isClusterMessage, WORKER_ENV, type PrimaryToWorker, type WorkerMetricsJson, type WorkerToPrimary } from './cluster-messages.js';

/** How long a scrape waits for the primary's sum of every worker's metrics. */
const SCRAPE_TIMEOUT_MS = 5_000;

interface PendingScrape {
  readonly resolve: (body: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A `serve --workers` worker's side of the IPC channel to the primary: it says when it
 * listens, answers the primary's collections with its own metrics, and asks the primary for
 * everyone's when a scraper calls its `/metrics`.
 *
 * @example
 * const link = ClusterWorkerLink.fromEnvironment(process.env); // undefined outside a cluster worker
 */
export class ClusterWorkerLink {
  readonly #pending = new Map<number, PendingScrape>();
  #nextId = 1;
  #collector: MetricsCollector | undefined;

  private constructor(
    /** 1 to N, kept by a replacement. */
    readonly index: number,
    readonly workers: number,
  ) {
    process.on('message', (message: unknown) => this.#onMessage(message));
  }

  /** This process's link when it is a worker started by `serve --workers`. */
  static fromEnvironment(env: NodeJS.ProcessEnv): ClusterWorkerLink | undefined {
    const index = Number(env[WORKER_ENV.index]);
    if (!cluster.isWorker || !Number.isInteger(index) || index < 1) return undefined;
    return new ClusterWorkerLink(index, Number(env[WORKER_ENV.count]) || 1);
  }

  /** Tells the primary this worker serves. */
  listening(url: string): void {
    this.#send({ type: 'ossa:listening', url });
  }

  /** The collector whose metrics this worker reports; its `/metrics` then answers with every worker's. */
  shareMetrics(collector: MetricsCollector): void {
    this.#collector = collector;
    collector.scrapeThrough(async () => ({ contentType: collector.registry.contentType, body: await this.#scrapeAll() }));
  }

  #scrapeAll(): Promise<string> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the primary did not answer with every worker's metrics within ${SCRAPE_TIMEOUT_MS} ms`));
      }, SCRAPE_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#send({ type: 'ossa:metrics:ask', id });
    });
  }

  #onMessage(message: unknown): void {
    if (!isClusterMessage<PrimaryToWorker>(message)) return;
    if (message.type === 'ossa:metrics:collect') {
      void this.#ownMetrics().then((metrics) => this.#send({ type: 'ossa:metrics:report', id: message.id, metrics }));
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.body !== undefined) pending.resolve(message.body);
    else pending.reject(new Error(message.error ?? 'the primary could not gather the metrics'));
  }

  async #ownMetrics(): Promise<WorkerMetricsJson> {
    const collector = this.#collector;
    if (!collector) return [];
    const [own, processMetrics] = await Promise.all([collector.registry.getMetricsAsJSON(), collector.processRegistry?.getMetricsAsJSON() ?? []]);
    return [...own, ...processMetrics];
  }

  #send(message: WorkerToPrimary): void {
    // The channel is gone once the primary died: the 'disconnect' handler stops this worker.
    if (process.connected) process.send?.(message);
  }
}
