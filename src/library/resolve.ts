/** The library's `resolve`: settle a failed no-transaction migration, or accept an edit. */
import { resolveVersion, type ResolveAction, type ResolveReport } from '../run/resolve.js';
import { readMigrations, resolveTarget, type TargetOptions } from '../target/index.js';

/**
 * Resolve a failed no-transaction migration (`applied` / `rolled-back`) or
 * accept an applied file's edit (`checksum`). Recorded in `cutover_audit`.
 *
 * @example
 * await resolve({ url, version: '20260101120000', action: 'rolled-back', reason: 'index dropped by hand' });
 */
export async function resolve(options: TargetOptions & { version: string; action: ResolveAction; reason?: string; by?: string; lockWaitMs?: number }): Promise<ResolveReport> {
  const { connector, schema, ledger, by } = resolveTarget(options, 'resolve');
  const migrations = await readMigrations(options);
  return resolveVersion(connector, migrations, { ...options, schema, ledger, by });
}

