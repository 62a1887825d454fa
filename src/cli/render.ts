/**
 * Renderers: pure functions from reports and events to the text people read.
 * `--json` prints the reports themselves.
 */
import { CutoverError, CutoverErrors } from '../errors.js';
import { formatDuration } from '../duration.js';
import { describeHolders } from '../db/advisory-lock.js';
import { redact } from '../db/url.js';
import type { StatusReport } from '../library/index.js';
import type { Problem, StatusEntry } from '../plan/types.js';
import { describeBlockers } from '../run/blockers.js';
import type { RunEvent } from '../run/events.js';
import type { MigrateReport } from '../run/migrate.js';

/** One line (or none) for an event, for stderr. */
export function renderEvent(event: RunEvent, verbose = false): string | undefined {
  switch (event.type) {
    case 'lock-waiting':
      return `waiting for ${event.lock === 'sqlx' ? `sqlx's migration lock on this database (for schema "${event.schema}")` : `the migration lock on schema "${event.schema}"`} (${formatDuration(event.waitedMs)}): held by ${describeHolders(event.holders)}`;
    case 'lock-acquired':
      return verbose ? `migration lock on schema "${event.schema}" taken${event.waitedMs > 50 ? ` after ${formatDuration(event.waitedMs)}` : ''}` : undefined;
    case 'warning':
      return renderProblem(event.problem);
    case 'migration-started':
      return verbose ? `${event.migration.direction === 'down' ? 'rolling back' : 'applying'} ${event.migration.file}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}` : undefined;
    case 'migration-retrying':
      return `lock timeout in ${event.migration.file} (attempt ${event.attempt}, lock_timeout ${formatDuration(event.lockTimeoutMs)}); retrying in ${formatDuration(event.delayMs)}. Blocked by:\n${describeBlockers(event.blockers)}`;
    case 'migration-finished':
      return `${event.migration.direction === 'down' ? 'rolled back' : 'applied'} ${event.migration.file} (${event.migration.phase}${event.migration.transaction ? '' : ', no transaction'}) in ${formatDuration(event.durationMs)}${event.attempts > 1 ? ` after ${event.attempts} attempts` : ''}`;
    case 'migration-recognized':
      return `recorded ${event.migration.file} as applied: the run that started it was cut off, but its CREATE INDEX CONCURRENTLY had finished (valid index, same definition; in cutover_audit)`;
    case 'migration-failed':
      return undefined; // the error itself is rendered once, at the end
    case 'instances-waiting':
      return `waiting for ${plural(event.problems.length, 'old instance')} to go before the post migrations (${formatDuration(event.waitedMs)}):\n${event.problems.map((p) => `  - ${p.message}`).join('\n')}`;
    case 'guard-forced':
      return `warning: post-deploy guard overridden for ${event.versions.join(', ')} (reason: ${event.reason}); recorded in cutover_audit. Instances still on older code:\n${event.problems.map((p) => `  - ${p.message}`).join('\n')}`;
  }
}

/** A history warning or error. */
export function renderProblem(problem: Problem): string {
  return `${problem.severity}[${problem.code}]: ${problem.message}\n  hint: ${problem.hint}`;
}

/** An error, with its code and hint. */
export function renderError(error: unknown): string {
  if (error instanceof CutoverErrors) return error.errors.map(renderError).join('\n');
  if (error instanceof CutoverError) {
    return `error[${error.code}]: ${redact(error.message)}${error.hint ? `\n  hint: ${error.hint}` : ''}`;
  }
  const e = error as Error;
  return `error: ${redact(e?.stack ?? String(error))}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What's left after a run, in one sentence. */
function leftover(report: MigrateReport): string {
  const post = report.deferred.filter((m) => m.phase === 'post').length;
  const pre = report.deferred.length - post;
  const parts: string[] = [];
  if (pre) parts.push(`${plural(pre, 'pre migration')} left pending`);
  if (post) parts.push(`${plural(post, 'post migration')} pending: run \`cutover migrate --phase post\` once every instance runs the new version`);
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/** The summary of `migrate` / `rollback`. */
export function renderMigrateReport(report: MigrateReport): string {
  const where = `schema "${report.schema}" on ${report.target}`;
  if (report.applied.length === 0) {
    const applied = report.entries.filter((e) => e.state === 'applied').length;
    return `${where} is up to date (${plural(applied, 'migration')} applied, nothing to do for phase ${report.phase})${leftover(report)}`;
  }
  const verb = report.applied[0]!.migration.direction === 'down' ? 'rolled back' : 'applied';
  return `${verb} ${plural(report.applied.length, 'migration')} to ${where} in ${formatDuration(report.durationMs)}${leftover(report)}`;
}

/** The output of `plan`. */
export function renderPlan(report: MigrateReport, verbose = false): string {
  const lines = [`plan for schema "${report.schema}" on ${report.target} (phase ${report.phase}):`];
  if (report.planned.length === 0) lines.push('  nothing to do');
  report.planned.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.direction === 'down' ? 'roll back ' : ''}${step.file}  ${step.phase}  ${step.transaction ? 'transaction' : 'no transaction'}  ${plural(step.statements.length, 'statement')}`);
    for (const s of step.statements) {
      if (verbose) lines.push(`       ${String(s.line).padStart(4)} | ${s.text.replace(/\n/g, '\n            | ')}`);
      if (s.locks?.length) lines.push(`       ${verbose ? '     ' : `line ${s.line}: `}locks ${describeLocks(s.locks)}${s.rewrites?.length ? `; rewrites ${s.rewrites.join(', ')}` : ''}`);
    }
  });
  const left = leftover(report);
  if (left) lines.push(`  ${left.slice(2)}`);
  lines.push(...renderLintFindings(report));
  return lines.join('\n');
}

/** `ACCESS EXCLUSIVE on "users", SHARE ROW EXCLUSIVE on "orgs"` (the linter's facts, as plan shows them). */
function describeLocks(locks: { relation: string; mode: string }[]): string {
  return locks.map((l) => `${l.mode.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()} on "${l.relation}"`).join(', ');
}

/** The lint findings of a plan or migrate report, short (the full form is `cutover lint`). */
export function renderLintFindings(report: MigrateReport): string[] {
  if (!report.lint) return [];
  const { counts, findings, suppressed = [] } = report.lint;
  const ignored = suppressed.map((f) => `  ignored[${f.rule}] ${f.file}:${f.line}:${f.column}: lint-ignore: ${f.reason}`);
  const letThrough = report.lintGate?.letThrough ? [`  --lint warn let ${report.lintGate.letThrough} error finding(s) through`] : [];
  if (findings.length === 0) return ['lint: no findings', ...ignored];
  return [
    `lint: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info (details: cutover lint)`,
    ...findings.map((f) => `  ${f.severity}[${f.rule}] ${f.file}:${f.line}:${f.column}: ${f.message}\n    help: ${f.help}`),
    ...ignored, ...letThrough,
  ];
}

function when(entry: StatusEntry): string {
  return entry.appliedAt ? entry.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '';
}

/** The table of `status`. */
export function renderStatus(report: StatusReport): string {
  const rows = report.entries.map((e) => [e.version, e.phase, e.state, when(e), e.file ?? e.name]);
  const header = ['version', 'phase', 'state', 'applied at (UTC)', 'file'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [`schema "${report.schema}" on ${report.target}`, line(header), ...rows.map(line)];
  if (rows.length === 0) out.push('(no migrations)');
  out.push(`pending: ${report.pending.pre} pre, ${report.pending.post} post`);
  for (const problem of [...report.errors, ...report.warnings]) out.push(renderProblem(problem));
  return out.join('\n');
}
