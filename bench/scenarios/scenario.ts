import type { BenchContext } from '../bench-context.js';
import type { BenchSettings, ScenarioId } from '../bench-settings.js';
import type { MeasuredRow } from '../measure/run-sample.js';

/** A table of the report: rows of one kind, compared side by side. */
export interface ResultTable {
  readonly title: string;
  /** Which columns the table has. */
  readonly kind: 'closed' | 'open' | 'stream';
  readonly rows: readonly MeasuredRow[];
  /** Open-loop and stream tables: the row key the others' added latency is computed against. */
  readonly baselineKey?: string;
}

/** RSS over time under constant load (the memory soak). */
export interface SoakResult {
  readonly rate: number;
  readonly durationS: number;
  /** When the sample growth is measured from was taken (the first at or after 60 s, or half of a shorter soak). */
  readonly baselineAtS: number;
  readonly rss: readonly { readonly atS: number; readonly rssMiB: number }[];
  readonly rssAtBaselineMiB: number;
  readonly rssAtEndMiB: number;
  /** (end - baseline) / baseline, in %. */
  readonly growthPercent: number;
  readonly row: MeasuredRow;
}

/** What a scenario found: its tables, what it had to skip and why, and the commands it ran. */
export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  /** How it is measured, in a sentence or two (the report prints it above the tables). */
  readonly method: string;
  readonly tables: ResultTable[];
  readonly skipped: { readonly what: string; readonly reason: string }[];
  /** Server start lines and load generator lines, as run. */
  readonly commands: string[];
  soak?: SoakResult;
  /** Set when the scenario failed (the run goes on with the next one). */
  error?: string;
}

/** One scenario of the issue. */
export interface Scenario {
  readonly id: ScenarioId;
  /** Its heading and how it is measured, for these settings. */
  describe(settings: BenchSettings): { readonly title: string; readonly method: string };
  /**
   * Measures into `result` as it goes (tables are added before their rows are measured), so
   * that what was measured before a failure is still reported.
   */
  run(ctx: BenchContext, result: ScenarioResult): Promise<void>;
}

/** An empty result to fill in. */
export function newResult(id: ScenarioId, title: string, method: string): ScenarioResult {
  return { id, title, method, tables: [], skipped: [], commands: [] };
}

/** Adds a table to the result and returns its rows, to push measured rows into. Empty tables are not rendered. */
export function addTable(result: ScenarioResult, table: Omit<ResultTable, 'rows'>): MeasuredRow[] {
  const rows: MeasuredRow[] = [];
  result.tables.push({ ...table, rows });
  return rows;
}

/** Records a skip and says so on the console. */
export function skip(ctx: BenchContext, result: ScenarioResult, what: string, reason: string): void {
  result.skipped.push({ what, reason });
  ctx.log(`  skipped ${what}: ${reason}`);
}

/** Runs `use` with a started server and always stops it. */
export async function withServer<S extends { stop(): Promise<unknown> }, T>(start: () => Promise<S>, use: (server: S) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}
