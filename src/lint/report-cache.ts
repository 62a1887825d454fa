/**
 * Offline lint of unchanged files, from the verdict cache (issue 19.1): the
 * report of `lint` without a database is a pure function of the files (names,
 * texts, directives), which of them are judged, the rule config and the target
 * major, and of the versions of cutover and the parser. Kept under a key made
 * of all of those, it is given back without parsing or linting; a report that
 * does not have the report's shape is not used. With a live catalog the
 * report also depends on the database, and is computed (from per-file
 * verdicts: the parse trees).
 */
import { createHash } from 'node:crypto';
import type { VerdictStore } from '../verdicts/index.js';
import type { LintOptions, LintReport, LintScript } from './engine.js';

/** The rule config and the rest of what an offline report depends on besides the files. */
type ReportOptions = Pick<LintOptions, 'rules' | 'pgVersion' | 'smallTableRows' | 'pending' | 'lintFile'>;

/**
 * The key of an offline lint report: every input, hashed.
 *
 * @example
 * const key = reportKey(scripts, { rules: { 'prefer-text': 'off' } });
 */
export function reportKey(scripts: readonly LintScript[], options: ReportOptions): string {
  const hash = createHash('sha256');
  const rules = Object.entries(options.rules ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  hash.update(JSON.stringify({ kind: 'lint-report', rules, pgVersion: options.pgVersion ?? null, small: options.smallTableRows ?? null, pending: options.pending ?? false }));
  for (const script of scripts) {
    const judged = options.lintFile?.(script.file) ?? true;
    hash.update(`\0${JSON.stringify([script.file, script.phase, script.transaction, script.lintIgnore, judged])}\0`);
    hash.update(script.sql);
  }
  return hash.digest('hex');
}

/** Whether a kept value has a lint report's shape. */
function isReport(value: unknown): value is LintReport {
  const report = value as Partial<LintReport> | undefined;
  return typeof report === 'object' && report !== null && Array.isArray(report.files) && Array.isArray(report.findings) && Array.isArray(report.suppressed)
    && typeof report.counts === 'object' && report.counts !== null && ['error', 'warning', 'info'].every((k) => Number.isInteger((report.counts as Record<string, unknown>)[k]));
}

/**
 * The offline report of `scripts`: kept, or made by `lint` and kept.
 *
 * @example
 * const report = await cachedReport(verdicts, scripts, options, () => lintScripts(scripts, options));
 */
export async function cachedReport(verdicts: VerdictStore, scripts: readonly LintScript[], options: ReportOptions, lint: () => Promise<LintReport>): Promise<LintReport> {
  const key = reportKey(scripts, options);
  const kept = verdicts.result(key);
  if (isReport(kept)) return kept;
  const report = await lint();
  verdicts.keepResult(key, report);
  return report;
}
