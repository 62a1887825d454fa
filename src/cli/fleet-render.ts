/**
 * Fleet renderers: pure functions of fleet events and reports. The live
 * progress is a small state folded from events (`trackProgress`) and drawn
 * at a given time (`renderProgress`); the summary and the status matrix are
 * drawn from the reports `--json` prints as they are.
 */
import { formatDuration } from '../duration.js';
import type { FleetStatusReport } from '../fleet/status.js';
import type { FleetEvent, FleetReport, TargetRef, TargetResult } from '../fleet/types.js';
import type { ProgressCounts } from './progress.js';
import { renderError } from './render.js';

/** What the progress display knows, folded from events. */
export interface FleetProgress {
  total: number;
  concurrency: number;
  canary: number;
  startedAt: number;
  done: number;
  counts: { applied: number; upToDate: number; failed: number };
  migrationsApplied: number;
  /** Targets running now, and since when. */
  running: Map<string, { target: TargetRef; since: number }>;
  canaryPassed: boolean;
}

const key = (t: TargetRef) => `${t.database}\0${t.schema}`;

/** An empty progress state. */
export function newProgress(): FleetProgress {
  return {
    total: 0, concurrency: 0, canary: 0, startedAt: 0, done: 0, counts: { applied: 0, upToDate: 0, failed: 0 },
    migrationsApplied: 0, running: new Map(), canaryPassed: false,
  };
}

/**
 * Fold one event into the progress state (updated in place and returned: a
 * fleet has thousands of events).
 *
 * @example
 * const progress = newProgress();
 * onEvent = (event) => trackProgress(progress, event);
 */
export function trackProgress(progress: FleetProgress, event: FleetEvent): FleetProgress {
  switch (event.type) {
    case 'fleet-started':
      Object.assign(progress, { total: event.total, concurrency: event.concurrency, canary: event.canary, startedAt: event.at });
      break;
    case 'target-started':
      progress.running.set(key(event.target), { target: event.target, since: event.at });
      break;
    case 'target-finished': {
      progress.running.delete(key(event.target));
      progress.done++;
      const outcome = event.result.outcome;
      if (outcome === 'applied') progress.counts.applied++;
      else if (outcome === 'up-to-date') progress.counts.upToDate++;
      else if (outcome === 'failed') progress.counts.failed++;
      progress.migrationsApplied += event.result.applied;
      break;
    }
    case 'canary-passed':
      progress.canaryPassed = true;
      break;
    default:
      break;
  }
  return progress;
}

function rate(progress: FleetProgress, now: number): number {
  const seconds = (now - progress.startedAt) / 1000;
  return seconds > 0 ? progress.done / seconds : 0;
}

/** The target running for the longest time now, if any. */
function slowestRunning(progress: FleetProgress): { target: TargetRef; since: number } | undefined {
  let slowest: { target: TargetRef; since: number } | undefined;
  for (const entry of progress.running.values()) if (!slowest || entry.since < slowest.since) slowest = entry;
  return slowest;
}

/** The parts of a progress line after done/total: outcomes, rate, canary, the slowest running target. */
function progressDetails(progress: FleetProgress, now: number): { outcomes: string[]; rate: string; tail: string[] } {
  const perSecond = rate(progress, now);
  const tail: string[] = [];
  if (progress.canary > 0 && !progress.canaryPassed && progress.done < progress.canary) tail.push(`canary ${progress.done}/${progress.canary}`);
  const slowest = slowestRunning(progress);
  if (slowest) tail.push(`slowest now "${slowest.target.schema}" ${formatDuration(now - slowest.since)}`);
  return {
    outcomes: [`${progress.counts.applied} applied`, `${progress.counts.upToDate} up to date`],
    rate: `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`,
    tail,
  };
}

/**
 * One progress line: done/failed/total, rate, ETA, the slowest running target (the line logged
 * every 10 s off a terminal).
 *
 * @example
 * renderProgress(progress, Date.now()); // 'fleet 1200/2000 · 1190 applied · 10 up to date · 0 failed · 400/s · ETA 2s · slowest now "tenant_7" 1.2s'
 */
export function renderProgress(progress: FleetProgress, now: number): string {
  const perSecond = rate(progress, now);
  const left = progress.total - progress.done;
  const { outcomes, rate: shownRate, tail } = progressDetails(progress, now);
  const parts = [`fleet ${progress.done}/${progress.total}`, ...outcomes, `${progress.counts.failed} failed`, shownRate];
  if (left > 0 && perSecond > 0) parts.push(`ETA ${formatDuration((left / perSecond) * 1000)}`);
  return [...parts, ...tail].join(' · ');
}

/**
 * The fleet's live progress line on a terminal (src/cli/progress.ts draws it): the bar,
 * done/total, failures, elapsed and ETA, then outcomes, rate, canary and the slowest target.
 *
 * @example
 * liveProgress(io, flags, () => fleetProgressCounts(progress, io.now().getTime()));
 */
export function fleetProgressCounts(progress: FleetProgress, now: number): ProgressCounts | undefined {
  if (progress.total === 0) return undefined;
  const { outcomes, rate: shownRate, tail } = progressDetails(progress, now);
  return { label: 'fleet', done: progress.done, total: progress.total, failed: progress.counts.failed, startedAt: progress.startedAt, parts: [...outcomes, shownRate, ...tail] };
}

function where(t: TargetRef): string {
  return `schema "${t.schema}" on ${t.database}`;
}

/** The line printed as a target fails. */
export function renderTargetFailure(result: TargetResult): string {
  return `failed: ${where(result)}\n${indent(renderError(result.error))}`;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}

const STOPPED = {
  failure: 'stopped at the first failure (--continue-on-error goes on past failures)',
  canary: 'the canary failed: no other target was touched',
  'bad-input': 'stopped: bad input would fail on every target',
} as const;

/**
 * The summary at the end of a fleet run: counts per outcome, the failures
 * with their errors, the slowest targets.
 *
 * @example
 * renderFleetReport(report);
 */
export function renderFleetReport(report: FleetReport): string {
  const c = report.counts;
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.count})` : '';
  const lines = [
    `fleet: ${report.total} targets${shard} in ${formatDuration(report.durationMs)} (concurrency ${report.concurrency}${report.canary ? `, canary ${report.canary}` : ''}, phase ${report.phase})`,
    `  applied      ${c.applied}`,
    `  up to date   ${c['up-to-date']}`,
    `  failed       ${c.failed}`,
    `  not started  ${c.skipped}`,
    `  migrations   ${report.migrationsApplied} applied in all`,
  ];
  if (report.stopped) lines.push(STOPPED[report.stopped]);
  if (report.failures.length > 0) {
    lines.push('failures:');
    const shown = report.failures.slice(0, 20);
    for (const f of shown) lines.push(`  ${where(f)}: ${f.error ? `error[${f.error.code}]: ${f.error.message.split('\n')[0]}` : 'failed'}`);
    if (report.failures.length > shown.length) lines.push(`  … and ${report.failures.length - shown.length} more (--json lists them all)`);
  }
  const slow = report.slowest.filter((t) => t.outcome !== 'up-to-date' || t.durationMs >= 1000);
  if (slow.length > 0) {
    lines.push('slowest:');
    for (const t of slow) lines.push(`  ${formatDuration(t.durationMs).padStart(7)}  ${where(t)} (${t.outcome}${t.applied ? `, ${t.applied} applied` : ''}${t.lockWaitedMs >= 1000 ? `, waited ${formatDuration(t.lockWaitedMs)} for the lock` : ''})`);
  }
  return lines.join('\n');
}

/**
 * The fleet matrix of `status`: targets per version, then what needs attention.
 *
 * @example
 * renderFleetStatus(matrix);
 */
export function renderFleetStatus(report: FleetStatusReport): string {
  const c = report.counts;
  const lines = [`fleet status: ${report.total} targets, ${c.upToDate} up to date`, 'version          targets'];
  for (const v of report.versions) lines.push(`${(v.version ?? '(none)').padEnd(16)} ${v.count}`);
  const attention: [string, number, (t: FleetStatusReport['targets'][number]) => boolean][] = [
    ['pending pre', c.pendingPre, (t) => t.pending.pre > 0],
    ['pending post', c.pendingPost, (t) => t.pending.post > 0],
    ['failed', c.failed, (t) => t.failed > 0],
    ['edited', c.edited, (t) => t.edited > 0],
    ['ahead of the directory', c.ahead, (t) => t.ahead > 0],
    ['no ledger yet', c.noLedger, (t) => !t.ledger],
  ];
  for (const [label, count, test] of attention) {
    if (count === 0) continue;
    const names = report.targets.filter(test).slice(0, 5).map((t) => `"${t.schema}"`);
    lines.push(`${label}: ${count}${names.length ? ` (${names.join(', ')}${count > names.length ? ', …' : ''})` : ''}`);
  }
  return lines.join('\n');
}
