/**
 * What a schema holds compared with what some code needs, pure: the
 * highest applied version, pending pre and post migrations, versions
 * applied but unknown to this code (ahead), failed ones, and what is
 * still missing for code that needs every pre migration up to `atLeast`.
 * `waitForSchema` and the health handler both decide from it.
 */
import type { Migration } from '../migrations/types.js';
import type { LedgerRow } from '../plan/types.js';
import { compareVersions, highestVersion, orderOf } from './versions.js';

/** A schema as seen by one version of the code. */
export interface SchemaState {
  /** Highest applied version, or null for an empty ledger. */
  version: string | null;
  pendingPre: string[];
  pendingPost: string[];
  /** Applied versions this code's migration set does not have (a newer release ran, or a rollback of the code). */
  ahead: string[];
  failed: string[];
  /** What the code still needs: pre migrations up to `atLeast` not applied (or `atLeast` itself, without a migration set). */
  missing: string[];
  /** Nothing missing and nothing failed. */
  ready: boolean;
}

/**
 * Compare a ledger with a migration set.
 *
 * @example
 * const state = schemaState(migrations, ledgerRows);          // needs every pre migration of the set
 * const state2 = schemaState(undefined, ledgerRows, '42');    // needs version 42 applied (no files at hand)
 */
export function schemaState(migrations: readonly Migration[] | undefined, ledger: readonly LedgerRow[], atLeast?: string): SchemaState {
  const applied = ledger.filter((r) => r.state === 'applied');
  const appliedSet = new Set(applied.map((r) => r.version));
  const failed = ledger.filter((r) => r.state === 'failed').map((r) => r.version);
  const order = orderOf(migrations);
  const version = highestVersion(applied.filter((r) => !order.repeatable?.(r.version)).map((r) => r.version), order) ?? null;
  const sorted = [...(migrations ?? [])].sort((a, b) => order.compare(a.version, b.version));
  const pending = sorted.filter((m) => !appliedSet.has(m.version));
  const known = new Set(sorted.map((m) => m.version));
  let missing: string[];
  if (migrations) {
    missing = pending.filter((m) => m.phase === 'pre' && (atLeast === undefined || compareVersions(m.version, order.canonical(atLeast), order) <= 0)).map((m) => m.version);
  } else {
    missing = atLeast !== undefined && (version === null || compareVersions(version, atLeast, order) < 0) ? [atLeast] : [];
  }
  return {
    version,
    pendingPre: pending.filter((m) => m.phase === 'pre').map((m) => m.version),
    pendingPost: pending.filter((m) => m.phase === 'post').map((m) => m.version),
    ahead: migrations ? applied.map((r) => r.version).filter((v) => !known.has(v)).sort(order.compare) : [],
    failed,
    missing,
    ready: missing.length === 0 && failed.length === 0,
  };
}
