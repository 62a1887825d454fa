/**
 * The SQL adoption writes, in one transaction: a `cutover_migrations` row per
 * adopted migration (written with the ledger's own `recordSql`, then given
 * the tool's applied_at and duration where it recorded them), and one
 * `cutover_audit` row saying what was adopted from where. Pure: the same
 * statements are shown by `--dry-run`.
 */
import { auditSql, ledgerTables, recordSql } from '../db/ledger.js';
import { literal } from '../db/sql.js';
import type { AdoptedEntry } from './types.js';

/** The audit row of one adoption. */
export interface AdoptionAudit {
  /** `adopt --from sqlx`, `adopt --baseline`. */
  action: string;
  by: string;
  reason?: string | undefined;
  details: Record<string, unknown>;
}

/**
 * The statements that record `entries` and the audit row (run between BEGIN
 * and COMMIT, after the ledger tables exist).
 *
 * @example
 * adoptionStatements('public', entries, { action: 'adopt --from sqlx', by: 'ops@host', details: { table: '"public"._sqlx_migrations' } });
 */
export function adoptionStatements(schema: string, entries: readonly AdoptedEntry[], audit: AdoptionAudit, appliedBy: string): string[] {
  const statements = entries.map((entry) => recordSql(schema, {
    version: entry.version, name: entry.name, phase: entry.phase, checksum: entry.checksum, state: 'applied',
    durationMs: entry.durationMs ?? 0, appliedBy, transactional: entry.transactional,
  }));
  // recordSql stamps now() and a duration; the tool's own time and duration (or NULL: unknown) replace them.
  const times = entries.filter((e) => e.appliedAt !== null || e.durationMs === null);
  if (times.length > 0) {
    const values = times.map((e) => `(${literal(e.version)}, ${e.appliedAt ? `${literal(e.appliedAt.toISOString())}::timestamptz` : 'now()'}, ${e.durationMs === null ? 'NULL' : literal(Math.round(e.durationMs))}::integer)`);
    statements.push(`UPDATE ${ledgerTables(schema).migrations} AS m SET applied_at = v.applied_at, duration_ms = v.duration_ms
FROM (VALUES ${values.join(',\n  ')}) AS v(version, applied_at, duration_ms) WHERE m.version = v.version`);
  }
  const newest = entries[entries.length - 1]?.version ?? '';
  statements.push(auditSql(schema, { version: newest, action: audit.action, by: audit.by, reason: audit.reason, details: audit.details }));
  return statements;
}
