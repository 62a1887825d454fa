/**
 * The fleet matrix: for every target, where its ledger stands against the
 * migration set (highest applied version, pending pre/post, failed, edited,
 * ahead), and how many targets are at each version. Reads ledgers only: no
 * lock, nothing changed.
 */
import { readLedger, type LedgerKind } from '../db/ledger.js';
import { orderOf } from '../deploy/versions.js';
import type { Migration } from '../migrations/types.js';
import { plan } from '../plan/plan.js';
import type { LedgerRow } from '../plan/types.js';
import { ConnectionSlot, type DatabaseConnector } from './connections.js';
import type { Target, TargetRef } from './types.js';

/** One target's line in the matrix. */
export interface TargetStatus extends TargetRef {
  /** Whether the schema has a ledger yet. */
  ledger: boolean;
  /** The highest applied version (null: none). */
  version: string | null;
  pending: { pre: number; post: number };
  failed: number;
  edited: number;
  /** Applied versions with no file in this directory (the database is ahead). */
  ahead: number;
  /** History errors that would stop `migrate` here. */
  errors: number;
}

/** What `status` over many targets reports. */
export interface FleetStatusReport {
  total: number;
  /** How many targets stand at each highest applied version, oldest first (null: nothing applied). */
  versions: { version: string | null; count: number }[];
  counts: { upToDate: number; pendingPre: number; pendingPost: number; failed: number; edited: number; ahead: number; noLedger: number };
  targets: TargetStatus[];
}

/**
 * One target's status from its ledger rows. Pure.
 *
 * @example
 * targetStatus({ database, schema }, migrations, rows);
 */
export function targetStatus(target: TargetRef, migrations: readonly Migration[], ledger: readonly LedgerRow[] | undefined, strict = false): TargetStatus {
  const result = plan(migrations, ledger ?? [], { phase: 'all', strict });
  const status: TargetStatus = {
    database: target.database, schema: target.schema, ledger: ledger !== undefined, version: null,
    pending: { pre: 0, post: 0 }, failed: 0, edited: 0, ahead: 0, errors: result.errors.length,
  };
  for (const entry of result.entries) {
    if (entry.state === 'pending') status.pending[entry.phase]++;
    else if (entry.state === 'failed') status.failed++;
    else if (entry.state === 'edited') status.edited++;
    else if (entry.state === 'missing') status.ahead++;
    if (entry.state === 'applied' && entry.file !== undefined) status.version = entry.version;
  }
  return status;
}

/**
 * The matrix from every target's status. Pure.
 *
 * @example
 * fleetMatrix(statuses, migrations).versions; // [{ version: '20', count: 1998 }, { version: '19', count: 2 }]
 */
export function fleetMatrix(targets: TargetStatus[], migrations: readonly Migration[]): FleetStatusReport {
  const order = new Map(migrations.map((m, i) => [m.version, i]));
  const byVersion = new Map<string | null, number>();
  const counts = { upToDate: 0, pendingPre: 0, pendingPost: 0, failed: 0, edited: 0, ahead: 0, noLedger: 0 };
  for (const t of targets) {
    byVersion.set(t.version, (byVersion.get(t.version) ?? 0) + 1);
    if (!t.ledger) counts.noLedger++;
    if (t.pending.pre > 0) counts.pendingPre++;
    if (t.pending.post > 0) counts.pendingPost++;
    if (t.failed > 0) counts.failed++;
    if (t.edited > 0) counts.edited++;
    if (t.ahead > 0) counts.ahead++;
    if (t.ledger && t.pending.pre + t.pending.post + t.failed + t.edited + t.errors === 0) counts.upToDate++;
  }
  // Versions in the directory's order; any others (the database ahead) after them, in the layout's order.
  const rank = (v: string | null) => (v === null ? -1 : order.get(v) ?? Number.MAX_SAFE_INTEGER);
  const layout = orderOf(migrations);
  const versions = [...byVersion].map(([version, count]) => ({ version, count }))
    .sort((a, b) => rank(a.version) - rank(b.version) || layout.compare(a.version ?? '', b.version ?? ''));
  return { total: targets.length, versions, counts, targets };
}

/**
 * Read every target's ledger over `concurrency` connections and build the matrix.
 *
 * @example
 * const matrix = await readFleetStatus(targets, databaseOf, migrations, { concurrency: 4 });
 */
export async function readFleetStatus(
  targets: readonly Target[],
  databaseOf: (target: Target) => DatabaseConnector,
  migrations: readonly Migration[],
  options: { concurrency: number; strict?: boolean; ledgers?: ReadonlyMap<string, LedgerRow[] | undefined>; ledger: LedgerKind },
): Promise<FleetStatusReport> {
  const statuses: TargetStatus[] = new Array(targets.length);
  // Ledgers read beforehand (readLedgers) need no connection per target.
  const unread: number[] = [];
  targets.forEach((target, index) => {
    const key = `${target.database}\0${target.schema}`;
    if (options.ledgers?.has(key)) statuses[index] = targetStatus(target, migrations, options.ledgers.get(key), options.strict);
    else unread.push(index);
  });
  const slots = Array.from({ length: Math.max(1, Math.min(options.concurrency, unread.length)) }, () => new ConnectionSlot());
  let next = 0;
  try {
    await Promise.all(slots.map(async (slot) => {
      while (next < unread.length) {
        const index = unread[next++]!;
        const target = targets[index]!;
        const connection = await slot.connectorFor(databaseOf(target), target.schema).connect();
        try {
          const rows = await readLedger(connection, target.schema, { kind: options.ledger, migrations });
          statuses[index] = targetStatus(target, migrations, rows, options.strict);
        } catch (error) {
          await slot.settle(true);
          throw error;
        }
      }
    }));
  } finally {
    await Promise.all(slots.map((slot) => slot.discard()));
  }
  return fleetMatrix(statuses, migrations);
}
