/** Helpers for pure unit tests: migrations and ledger rows from short specs. */
import { loadMigrations } from '../../src/migrations/load.js';
import { bundleSource } from '../../src/migrations/bundle.js';
import type { Migration } from '../../src/migrations/types.js';
import type { LedgerRow } from '../../src/plan/types.js';

/** Migrations from name → SQL. */
export function migrations(files: Record<string, string>): Promise<Migration[]> {
  return loadMigrations(bundleSource(Object.entries(files).map(([file, sql]) => ({ file, sql }))));
}

/** A ledger row for a migration, applied unless said otherwise. */
export function row(m: Migration, overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    version: m.version, name: m.name, phase: m.phase, checksum: m.checksum, state: 'applied',
    appliedAt: new Date('2026-01-01T00:00:00Z'), durationMs: 1, appliedBy: 'test', failedStatement: null, error: null,
    ...overrides,
  };
}
