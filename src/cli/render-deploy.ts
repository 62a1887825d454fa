/**
 * Renderers for the deploy commands (`instances`, `wait`, `upgrade`):
 * pure functions from reports to the text people read.
 */
import { formatDuration } from '../duration.js';
import type { InstancesReport } from '../deploy/library.js';
import type { WaitForSchemaReport } from '../deploy/wait-for-schema.js';
import type { UpgradeReport } from '../deploy/upgrade.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The table of `cutover instances`. */
export function renderInstances(report: InstancesReport): string {
  const now = report.now.getTime();
  const rows = report.instances.map((i) => [
    i.id, i.host, i.appVersion, i.knownVersion, `${formatDuration(Math.max(0, now - i.lastSeen.getTime()))} ago`,
    i.live ? 'live' : 'expired', String(i.sessions ?? 0),
  ]);
  const out = [`instances of schema "${report.schema}"`];
  if (rows.length === 0) out.push('(no live instances registered)');
  else out.push(...table(['id', 'host', 'app version', 'knows up to', 'last seen', 'state', 'sessions'], rows));
  return out.join('\n');
}

/** The line of `cutover wait` once ready. */
export function renderWait(report: WaitForSchemaReport): string {
  const s = report.state;
  return `schema "${report.schema}" is ready at version ${s.version ?? '(none)'}${report.waitedMs > 50 ? ` after ${formatDuration(report.waitedMs)}` : ''}`
    + `${s.pendingPost.length ? `; ${s.pendingPost.length} post migration(s) pending` : ''}${s.ahead.length ? `; ahead of this code: ${s.ahead.join(', ')}` : ''}`;
}

/** The step table of `cutover upgrade`. */
export function renderUpgrade(report: UpgradeReport): string {
  const mark = { done: 'ok', failed: 'FAILED', skipped: 'skipped', planned: '-', 'not-run': 'not run' } as const;
  const rows = report.steps.map((s, i) => [String(i + 1), s.name, mark[s.state], s.durationMs === undefined ? '' : formatDuration(s.durationMs), (s.summary ?? '').split('\n')[0]!]);
  const title = report.dryRun ? 'upgrade plan (dry run: nothing done)' : report.ok ? `upgrade done in ${formatDuration(report.durationMs)}` : `upgrade stopped at step "${report.failedStep}"`;
  const out = [title, ...table(['#', 'step', 'state', 'time', 'what'], rows)];
  if (report.rollback) out.push(`rollback command ${report.rollback.ok ? 'ran' : 'FAILED'}: ${report.rollback.command}${report.rollback.ok ? '' : ` (exit ${report.rollback.exitCode})`}`);
  if (report.next) out.push(`next: ${report.next}`);
  return out.join('\n');
}
