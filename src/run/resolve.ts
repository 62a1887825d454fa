/**
 * `resolve`: deliberate, recorded overrides of the ledger, each under the
 * schema's lock and written to `cutover_audit` with who and why.
 * - `applied`: a failed no-transaction migration was finished by hand.
 * - `rolled-back`: it was undone by hand; it will run again.
 * - `checksum`: an applied file's edit is accepted (the new checksum is stored).
 */
import { CutoverError } from '../errors.js';
import { auditSql, ensureAuditTable, ledgerFor, readLedger } from '../db/ledger.js';
import type { Connector } from '../db/session.js';
import type { Migration } from '../migrations/types.js';
import { checksumMatches } from '../migrations/checksum.js';
import { withMigrationLock } from './migrate.js';
import type { RunContext } from './context.js';

/** What `resolve` does. */
export type ResolveAction = 'applied' | 'rolled-back' | 'checksum';

/** What `resolve` reports. */
export interface ResolveReport {
  schema: string;
  version: string;
  action: ResolveAction;
  before: { state: string; checksum: string };
  after: { state: string; checksum: string } | null;
}

/**
 * Resolve one version's ledger row.
 *
 * @example
 * await resolveVersion(connector, migrations, { schema: 'public', version: '42', action: 'rolled-back', by: 'ops', reason: 'undone by hand' });
 */
export async function resolveVersion(
  connector: Connector,
  migrations: Migration[],
  options: Pick<RunContext, 'schema' | 'onEvent' | 'ledger'> & { lockWaitMs?: number | undefined; version: string; action: ResolveAction; by: string; reason?: string | undefined },
): Promise<ResolveReport> {
  const version = options.version.replace(/^0+(?=\d)/, '');
  const { schema, action } = options;
  const ledger = ledgerFor(schema, options.ledger);
  return withMigrationLock(connector, options, async (connection) => {
    const row = (await readLedger(connection, schema, { kind: ledger.kind, migrations }))?.find((r) => r.version === version);
    const migration = migrations.find((m) => m.version === version);
    if (!row) {
      throw new CutoverError('UNKNOWN_VERSION', `version ${options.version} has no row in ${schema}.${ledger.tableName}: there is nothing to resolve`, {
        hint: 'See `cutover status` for the versions and their states.', details: { version, schema },
      });
    }
    const refuse = (why: string, hint: string) => new CutoverError('NOTHING_TO_RESOLVE', `version ${version}: ${why}`, { hint, details: { version, schema, state: row.state } });
    const before = { state: row.state, checksum: row.checksum };
    let after: ResolveReport['after'];
    let change: string;
    if (action === 'checksum') {
      if (row.state !== 'applied') throw refuse(`it is ${row.state}, not applied; --checksum accepts an edit of an applied file`, 'Resolve the failure first with --applied or --rolled-back.');
      if (!migration) throw refuse('its file is not in this directory', 'Run from the directory that has the edited file.');
      if (checksumMatches(migration, row.checksum)) throw refuse('the file is unchanged: its checksum matches the ledger', 'Nothing to accept.');
      change = ledger.acceptSql(version, migration.checksum);
      after = { state: 'applied', checksum: migration.checksum };
    } else {
      if (row.state !== 'failed') throw refuse(`it is ${row.state}; --${action} resolves a failed migration`, 'Only failed no-transaction migrations need resolving. To undo an applied one, use cutover rollback.');
      if (action === 'applied') {
        const checksum = migration?.checksum ?? row.checksum;
        change = ledger.acceptSql(version, checksum);
        after = { state: 'applied', checksum };
      } else {
        change = ledger.forgetSql(version);
        after = null;
      }
    }
    const audit = auditSql(schema, { version, action: `resolve --${action}`, by: options.by, reason: options.reason, details: { before, after } });
    await ensureAuditTable(connection, schema);
    await connection.query(`BEGIN; ${change}; ${audit}; COMMIT`);
    return { schema, version, action, before, after };
  });
}
