/** The library's `status`: every migration's state in one schema, changing nothing. */
import { readLedger } from '../db/ledger.js';
import { plan as planSteps } from '../plan/plan.js';
import type { Problem, StatusEntry } from '../plan/types.js';
import { findInvalidIndexes, type InvalidIndex } from '../backup/invalid-indexes.js';
import { readMigrations, resolveTarget, type TargetOptions } from '../target/index.js';

/** What {@link status} reports. */
export interface StatusReport {
  schema: string;
  target: string;
  entries: StatusEntry[];
  pending: { pre: number; post: number };
  errors: Problem[];
  warnings: Problem[];
  /** Indexes left INVALID by a failed CREATE INDEX CONCURRENTLY (fix: `resolve --rebuild-invalid-indexes`). */
  invalidIndexes?: InvalidIndex[];
}

/**
 * Every migration's state in one schema (applied, pending, failed, edited,
 * missing), with the history problems. Takes no lock and changes nothing.
 *
 * @example
 * const { pending } = await status({ url });
 */
export async function status(options: TargetOptions & { strict?: boolean }): Promise<StatusReport> {
  const { connector, schema, ledger: kind } = resolveTarget(options, 'status');
  const migrations = await readMigrations(options);
  const connection = await connector.connect();
  try {
    const ledger = (await readLedger(connection, schema, { kind, migrations })) ?? [];
    const result = planSteps(migrations, ledger, { phase: 'all', strict: options.strict });
    const pending = { pre: 0, post: 0 };
    for (const entry of result.entries) if (entry.state === 'pending') pending[entry.phase]++;
    const invalidIndexes = await findInvalidIndexes(connection, schema);
    return { schema, target: connector.describe, entries: result.entries, pending, errors: result.errors, warnings: result.warnings, invalidIndexes };
  } finally {
    await connection.close();
  }
}

