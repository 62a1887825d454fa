/**
 * The fleet side of `migrate` and `status`: `--schema a,b,c`, `--schemas`,
 * `--schemas-query`, `--all-schemas` or config `targets` turn either command
 * into a run over many targets. Options → `migrateFleet` / `fleetStatus` →
 * a live progress display (TTY) or periodic log lines, then the summary.
 */
import { CutoverError, EXIT, type ExitCode } from '../../errors.js';
import { fleetStatus, migrateFleet } from '../../fleet/api.js';
import type { FleetEvent, FleetReport, TargetSpec } from '../../fleet/types.js';
import type { PhaseOption } from '../../plan/types.js';
import { runSettings, withDatabase, type Context } from '../context.js';
import { listed, type FleetFlags } from './fleet-flags.js';
import { fleetProgressCounts, newProgress, renderFleetReport, renderFleetStatus, renderProgress, renderTargetFailure, trackProgress } from '../fleet-render.js';
import { liveProgress } from '../progress.js';
import { renderEvent } from '../render.js';

/** How often a line is logged without a TTY. */
const LOG_EVERY_MS = 10_000;

function wholeNumber(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new CutoverError('USAGE', `--${name} ${text}: expected a whole number ≥ ${min}`, { hint: `For example --${name} 4.`, details: { setting: name } });
  }
  return Number(text);
}

/** The target specs: the command line's selectors on --url, else the config file's targets. */
export async function withTargets<T>(context: Context, flags: FleetFlags, work: (specs: TargetSpec[]) => Promise<T>): Promise<T> {
  const names = listed(context.settings.schema);
  const list = context.settings.schemas;
  const fromFlags = list !== undefined || flags.schemasQuery !== undefined || flags.allSchemas === true || names !== undefined;
  if (!fromFlags) return work(context.settings.targets!);
  return withDatabase(context, (url) => work([{
    url,
    ...(names ? { schemas: names } : {}),
    ...(list !== undefined ? { pattern: list } : {}),
    ...(flags.schemasQuery !== undefined ? { query: flags.schemasQuery } : {}),
    ...(flags.allSchemas ? { allSchemas: true } : {}),
  }]));
}

/** Progress on stderr: a live line on a TTY (src/cli/progress.ts), a line every 10 s otherwise; failures as they happen. */
function progressDisplay(context: Context) {
  const { io, flags } = context;
  const progress = newProgress();
  const now = () => io.now().getTime();
  const line = liveProgress(io, flags, () => fleetProgressCounts(progress, now()));
  const say = (text: string) => (line.live ? line.say(text) : context.say(text));
  // Off a terminal: a plain line every 10 s, as logs want it.
  const timer = line.live || flags.quiet ? undefined : setInterval(() => progress.total > 0 && context.say(renderProgress(progress, now())), LOG_EVERY_MS);
  timer?.unref?.();
  return {
    onEvent(event: FleetEvent) {
      trackProgress(progress, event);
      line.draw();
      switch (event.type) {
        case 'fleet-started':
          say(`fleet: ${event.total} targets, concurrency ${event.concurrency}${event.canary ? `, canary ${event.canary} first` : ''}`);
          break;
        case 'canary-passed':
          say(`fleet: the ${event.count} canary targets passed; migrating the rest`);
          break;
        case 'target-finished':
          if (event.result.outcome === 'failed') say(renderTargetFailure(event.result));
          break;
        case 'fleet-stopping':
        case 'fleet-finished':
        case 'target-started':
          break;
        default: {
          // A single run's event: the ones worth a line anyway (lock waits, retries), the rest with --verbose.
          const important = event.type === 'lock-waiting' || event.type === 'migration-retrying';
          if (!important && !flags.verbose) break;
          const text = renderEvent(event, flags.verbose);
          if (text) say(`[${event.target.schema}] ${text}`);
        }
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      line.stop();
    },
  };
}

/** `migrate` over many targets. */
export async function runFleetMigrate(context: Context, flags: FleetFlags & { phase: PhaseOption; to?: string; dryRun?: boolean }): Promise<ExitCode> {
  if (flags.dryRun) {
    throw new CutoverError('USAGE', '--dry-run is not available over several targets', {
      hint: 'Run `cutover plan --schema <one of them>` to see what would run; `cutover status --schemas …` shows where each target stands.',
    });
  }
  const concurrency = wholeNumber('concurrency', flags.concurrency, 1);
  const canary = wholeNumber('canary', flags.canary, 0);
  const { schema: _schema, onEvent: _single, ...settings } = runSettings(context);
  const display = progressDisplay(context);
  let report: FleetReport;
  try {
    report = await withTargets(context, flags, (targets) => migrateFleet({
      ...settings, targets, phase: flags.phase, ...(flags.to ? { to: flags.to } : {}),
      concurrency, canary, continueOnError: flags.continueOnError, ...(flags.shard ? { shard: flags.shard } : {}),
      onEvent: (event) => display.onEvent(event),
    }));
  } catch (error) {
    display.stop();
    const partial = (error as CutoverError).report as FleetReport | undefined;
    if (partial && 'counts' in partial && !context.flags.json) context.result(undefined, renderFleetReport(partial));
    throw error;
  }
  display.stop();
  context.result({ ok: true, ...report }, renderFleetReport(report));
  return EXIT.ok;
}

/** `status` over many targets: the fleet matrix; `--check` exits 3 unless every target is up to date. */
export async function runFleetStatus(context: Context, flags: FleetFlags & { check?: boolean }): Promise<ExitCode> {
  const concurrency = wholeNumber('concurrency', flags.concurrency, 1);
  const report = await withTargets(context, flags, (targets) => fleetStatus({
    targets, ...context.source, strict: context.settings.strict,
    concurrency, ...(flags.shard ? { shard: flags.shard } : {}),
  }));
  const upToDate = report.counts.upToDate === report.total;
  if (flags.check && !upToDate) {
    if (!context.flags.json) context.result(undefined, renderFleetStatus(report));
    const c = report.counts;
    const error = new CutoverError<typeof report>('CHECK_FAILED', `${report.total - c.upToDate} of ${report.total} targets are not up to date: ${c.pendingPre} with pending pre, ${c.pendingPost} with pending post, ${c.failed} failed, ${c.edited} edited`, {
      hint: 'Run `cutover migrate` with the same targets (and resolve failed or edited migrations).',
      details: { total: report.total, counts: c },
    });
    error.report = report;
    throw error;
  }
  context.result({ ok: true, upToDate, ...report }, renderFleetStatus(report));
  return EXIT.ok;
}
