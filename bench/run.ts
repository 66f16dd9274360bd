// The benchmark harness of ossa-gateway (issue #6): `npm run bench` / `npm run bench:quick`.
// Starts the mock upstream, the gateway, Portkey and the load generators as pinned child
// processes, runs every scenario, prints the targets and writes the markdown report.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { BenchContext } from './bench-context.js';
import { parseBenchSettings, SCENARIO_IDS, USAGE, type BenchSettings } from './bench-settings.js';
import { wrkAvailable } from './load/wrk.js';
import { detectCpuLayout } from './proc/cpu-pinning.js';
import { ProcessSupervisor } from './proc/process-supervisor.js';
import { BenchRedis } from './redis/bench-redis.js';
import { markdownTable } from './report/format.js';
import { describeMachine } from './report/machine.js';
import { renderReport } from './report/markdown-report.js';
import { evaluateTargets, targetStatusCell } from './report/targets.js';
import { repoPaths } from './repo-paths.js';
import { ALL_SCENARIOS } from './scenarios/all-scenarios.js';
import { newResult, type ScenarioResult } from './scenarios/scenario.js';
import { MockProcess } from './servers/mock-process.js';
import { findPortkey } from './servers/portkey-server.js';
import type { RunEnvironment } from './servers/run-environment.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<number> {
  let settings: BenchSettings | undefined;
  try {
    settings = parseBenchSettings(argv);
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (settings === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const paths = repoPaths();
  if (!wrkAvailable()) {
    log('bench: wrk is not installed. On Debian/Ubuntu: apt-get install wrk');
    return 1;
  }
  const gatewayBin = settings.gatewayBin === undefined ? paths.gatewayBin : resolve(settings.gatewayBin);
  if (settings.gatewayBin !== undefined && !existsSync(gatewayBin)) {
    log(`bench: --gateway-bin ${settings.gatewayBin} does not exist`);
    return 1;
  }
  if (settings.gatewayBin === undefined && !existsSync(join(paths.root, 'dist', 'cli', 'main.js'))) {
    log('bench: the gateway is not built (dist/ is missing): run `npm run build`, or use `npm run bench`, which builds first');
    return 1;
  }

  const layout = detectCpuLayout();
  const runName = `${new Date().toISOString().replace(/[:.]/g, '-')}-${settings.mode}`;
  const resultsDir = join(paths.bench, 'results', runName);
  const logDir = join(resultsDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const tmpDir = mkdtempSync(join(tmpdir(), 'ossa-bench-'));
  const profileDir = settings.profile ? join(resultsDir, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const supervisor = new ProcessSupervisor();
  const env: RunEnvironment = { paths, layout, supervisor, gatewayBin, logDir, tmpDir, gatewayLogLevel: settings.gatewayLogLevel, ...(profileDir ? { profileDir } : {}) };
  const redis = new BenchRedis(settings.redisUrl);
  const cleanUp = async (): Promise<void> => {
    await redis.cleanUp();
    rmSync(tmpDir, { recursive: true, force: true });
  };
  supervisor.onInterrupt(cleanUp);
  const portkeyInstall = findPortkey(paths.root);
  const portkey = !settings.portkey
    ? { skipped: settings.mode === 'quick' ? 'quick mode runs without Portkey' : 'left out (--no-portkey)' }
    : 'missing' in portkeyInstall
      ? { skipped: portkeyInstall.missing }
      : portkeyInstall;
  const command = displayedCommand(settings);

  log(`ossa-gateway benchmarks: ${command}`);
  log(`  mode ${settings.mode}: ${settings.repetitions} × ${settings.durationS} s per row after ${settings.warmupS} s warm-up, concurrency ${settings.concurrencies.join(' and ')}`);
  log(`  pinning: ${layout.pinned ? `server on cpu ${layout.serverCpu}, mock + load on cpu ${layout.loadCpu}` : `off (${layout.reason ?? ''})`}`);
  log(`  results and logs: ${relative(paths.root, resultsDir)}`);

  const results: ScenarioResult[] = [];
  let failed = 0;
  try {
    const mock = await MockProcess.start(env, layout.loadCpu, 'mock');
    let nonces = 0;
    const ctx: BenchContext = { env, settings, mock, portkey, redis, nonce: () => `${runName.slice(11, 19).replace(/-/g, '')}x${++nonces}`, log };
    for (const scenario of ALL_SCENARIOS) {
      if (!settings.scenarios.has(scenario.id)) continue;
      if (supervisor.interrupted) break;
      const { title, method } = scenario.describe(settings);
      const result = newResult(scenario.id, title, method);
      results.push(result);
      log(`\n== ${title}`);
      const started = Date.now();
      try {
        await scenario.run(ctx, result);
      } catch (error) {
        // An interrupted run fails wherever it was; the signal handler reports and exits.
        if (supervisor.interrupted) break;
        failed++;
        result.error = error instanceof Error ? error.message : String(error);
        log(`  FAILED: ${result.error}`);
      }
      log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await supervisor.stopAll();
    await cleanUp();
  }
  // An interrupted run writes no report: a partial one must never replace docs/BENCHMARKS.md.
  if (supervisor.interrupted) return 130;

  const machine = describeMachine(paths.root, layout, 'missing' in portkeyInstall ? 'not installed' : `@portkey-ai/gateway ${portkeyInstall.version} (${nodeServerVersion(paths.root)})`);
  const targets = evaluateTargets(results);
  writeFileSync(
    join(resultsDir, 'results.json'),
    JSON.stringify({ machine, settings: { ...settings, scenarios: [...settings.scenarios] }, command, results, targets }, null, 2) + '\n',
  );
  const out = reportPath(settings, paths.root, resultsDir, failed > 0);
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, renderReport({ machine, settings, command, results, targets, resultsDir: relative(paths.root, resultsDir) }, previous));

  log(`\n== Targets${settings.mode === 'quick' ? ` (quick mode: ${settings.repetitions} × ${settings.durationS} s rows after ${settings.warmupS} s of warm-up; these statuses measure nothing)` : ''}`);
  log(markdownTable(['issue', 'area', 'target', 'measured', ''], targets.map((t) => [`#${t.issue}`, t.area, t.target, t.measured, targetStatusCell(t.status, settings.mode)])));
  const skipped = results.flatMap((r) => r.skipped.map((s) => `${r.id}: ${s.what}: ${s.reason}`));
  if (skipped.length > 0) log(`\nSkipped (${skipped.length}):\n${skipped.map((line) => `  - ${line}`).join('\n')}`);
  log(`\nReport: ${relative(paths.root, out)}    raw results and logs: ${relative(paths.root, resultsDir)}`);
  log(`Command: ${command}`);
  if (failed > 0) log(`\n${failed} scenario(s) failed.`);
  return failed > 0 ? 1 : 0;
}

/** How the run was asked for, as someone would type it. */
function displayedCommand(settings: BenchSettings): string {
  const rest = settings.argv.filter((arg) => arg !== '--quick');
  const script = settings.mode === 'quick' ? 'npm run bench:quick' : 'npm run bench';
  return rest.length > 0 ? `${script} -- ${rest.join(' ')}` : script;
}

/**
 * docs/BENCHMARKS.md only for a complete, successful full run of this build; a quick, partial
 * (--only, shorter windows) or failed run writes next to its raw results, so it never replaces
 * the real tables.
 */
function reportPath(settings: BenchSettings, root: string, resultsDir: string, failed: boolean): string {
  if (settings.out !== undefined) return resolve(root, settings.out);
  if (failed) return join(resultsDir, 'BENCHMARKS.md');
  const complete = SCENARIO_IDS.filter((id) => id !== 'soak').every((id) => settings.scenarios.has(id));
  const standard = settings.mode === 'full' && settings.repetitions >= 3 && settings.durationS >= 10 && settings.portkey && settings.gatewayBin === undefined;
  return complete && standard ? join(root, 'docs', 'BENCHMARKS.md') : join(resultsDir, 'BENCHMARKS.md');
}

/** The @hono/node-server Portkey runs on (pinned by package.json overrides: newer ones break its streaming). */
function nodeServerVersion(root: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', '@hono', 'node-server', 'package.json'), 'utf8')) as { version?: string };
    return `@hono/node-server ${manifest.version ?? '?'}`;
  } catch {
    return '@hono/node-server not found';
  }
}

process.exitCode = await main(process.argv.slice(2));
