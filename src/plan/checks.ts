/**
 * History checks: one named pure function per problem, each with its own
 * code (docs/errors.md). They compare the migration set with the ledger.
 */
import type { VersionOrder } from '../migrations/formats/order.js';
import type { Migration } from '../migrations/types.js';
import { checksumMatches } from '../migrations/checksum.js';
import type { LedgerRow, Problem } from './types.js';

/** An applied migration whose file changed since it ran. */
export function checkEdited(migrations: readonly Migration[], ledger: readonly LedgerRow[]): Problem[] {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  return ledger.flatMap((row): Problem[] => {
    const migration = byVersion.get(row.version);
    // A repeatable with a new checksum is not edited: it is pending, to run again.
    if (row.state !== 'applied' || !migration || migration.repeatable || checksumMatches(migration, row.checksum)) return [];
    return [{
      code: 'CHECKSUM_MISMATCH', severity: 'error', version: row.version, file: migration.file,
      message: `${migration.file} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the ledger, ${migration.checksum.slice(0, 12)}… on disk)`,
      hint: `Restore the applied version of the file (git checkout), or put the change in a new migration. If the edit is harmless (a comment), accept it: cutover resolve ${row.version} --checksum --reason "…"`,
    }];
  });
}

/** Applied versions with no file: the database is ahead (an older app version, a rollback). */
export function checkMissing(migrations: readonly Migration[], ledger: readonly LedgerRow[], strict = false): Problem[] {
  const known = new Set(migrations.map((m) => m.version));
  return ledger.filter((row) => row.state === 'applied' && !known.has(row.version)).map((row) => ({
    code: 'MISSING_ON_DISK',
    severity: strict ? 'error' : 'warning',
    version: row.version,
    message: `version ${row.version} (${row.name}) is applied in the database but has no file: the database is ahead of this directory`,
    hint: strict
      ? 'Run a newer app version, or drop --strict if an older version running against a newer schema is expected (canary, rollback).'
      : 'Expected during a canary or a rollback of the app; run with --strict to make this an error.',
  }));
}

/** Failed no-transaction migrations: nothing runs until they are resolved. */
export function checkFailed(migrations: readonly Migration[], ledger: readonly LedgerRow[]): Problem[] {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  return ledger.filter((row) => row.state === 'failed').map((row) => {
    const file = byVersion.get(row.version)?.file;
    const where = row.failedStatement ? ` at statement ${row.failedStatement}` : '';
    return {
      code: 'UNRESOLVED_FAILURE' as const, severity: 'error' as const, version: row.version, ...(file ? { file } : {}),
      message: `${file ?? `version ${row.version}`} failed${where} and may be partly applied${row.error ? `: ${row.error}` : ''}`,
      hint: `Check the database by hand, then: cutover resolve ${row.version} --applied (finish it yourself first) or --rolled-back (undo what it did; it runs again, and an INVALID index its CREATE INDEX CONCURRENTLY left is dropped and built again).`,
    };
  });
}

/** Pending migrations older than an applied migration of the same phase (repeatables have no place in that order). */
export function checkOutOfOrder(pending: readonly Migration[], ledger: readonly LedgerRow[], order: VersionOrder, allow = false): Problem[] {
  if (allow) return [];
  const highest: Record<'pre' | 'post', string | undefined> = { pre: undefined, post: undefined };
  for (const row of ledger) {
    if (order.repeatable?.(row.version)) continue;
    const top = highest[row.phase];
    if (top === undefined || order.compare(row.version, top) > 0) highest[row.phase] = row.version;
  }
  return pending.filter((m) => {
    const top = highest[m.phase];
    return !m.repeatable && top !== undefined && order.compare(m.version, top) < 0;
  }).map((m) => ({
    code: 'OUT_OF_ORDER', severity: 'error', version: m.version, file: m.file,
    message: `${m.file} is pending but a later ${m.phase} migration (${highest[m.phase]}) is already applied`,
    hint: 'Usually a branch merged with an older timestamp: renumber the file (cutover new gives a fresh version), or run with --allow-out-of-order if its order does not matter.',
  }));
}

/** `--phase post` with a pre migration of a lower version still pending. */
export function checkPhaseOrder(pendingPost: readonly Migration[], pendingPre: readonly Migration[], order: VersionOrder): Problem[] {
  const firstPre = pendingPre[0];
  if (!firstPre) return [];
  return pendingPost.filter((post) => order.compare(firstPre.version, post.version) < 0).map((post) => ({
    code: 'PHASE_ORDER', severity: 'error', version: post.version, file: post.file,
    message: `${post.file} (post) cannot run while ${firstPre.file} (pre, an earlier version) is pending`,
    hint: 'Run the pre phase first: cutover migrate --phase pre, deploy, then --phase post.',
  }));
}
