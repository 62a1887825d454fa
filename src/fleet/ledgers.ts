/**
 * Every target's ledger in a few queries per database (UNION ALL over the
 * schemas that have one), read without locks, as `status` reads one. The
 * fleet uses it to skip targets with nothing to do without a lock round
 * trip each, and for the status matrix.
 */
import { filePhases, ledgerFor, type LedgerKind, type RawLedgerRow } from '../db/ledger.js';
import type { Session } from '../db/session.js';
import { literal } from '../db/sql.js';
import type { LedgerRow } from '../plan/types.js';
import type { Migration } from '../migrations/types.js';

/** Schemas per query: keeps each statement a few hundred kB at most. */
const BATCH = 100;
/** The first query's: its targets can start while the rest is read. */
const FIRST_BATCH = 10;

/** Ledgers as they are known (a batch, or the schemas without one). */
export type OnLedgers = (ledgers: ReadonlyMap<string, LedgerRow[] | undefined>) => void;

/**
 * The ledgers of `schemas`: rows, or `undefined` for a schema without a
 * ledger. A schema whose batch could not be read (no privilege …) is left
 * out: its run reports the problem properly. `onLedgers` hears each part as
 * it is read, in the order of `schemas`, so that work on the first targets
 * can start before the last batch is in.
 *
 * @example
 * const ledgers = await readLedgers(client, ['tenant_1', 'tenant_2'], { kind: 'cutover' });
 */
export async function readLedgers(
  session: Session,
  schemas: readonly string[],
  options: { kind: LedgerKind; migrations?: readonly Migration[]; onLedgers?: OnLedgers; /** Also when and how long (the dashboard); default: what planning needs. */ full?: boolean },
): Promise<Map<string, LedgerRow[] | undefined>> {
  const order = new Map(schemas.map((schema, i) => [schema, i]));
  const phaseOf = filePhases(options.migrations);
  const found = await session.query<{ name: string }>(
    `SELECT n.nspname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p')`,
    [ledgerFor('', options.kind).tableName],
  );
  const withLedger = found.rows.map((r) => r.name).filter((name) => order.has(name));
  const ledgers = new Map<string, LedgerRow[] | undefined>();
  const has = new Set(withLedger);
  for (const schema of schemas) if (!has.has(schema)) ledgers.set(schema, undefined);
  options.onLedgers?.(ledgers);
  withLedger.sort((a, b) => order.get(a)! - order.get(b)!);
  let from = 0;
  while (from < withLedger.length) {
    const batch = withLedger.slice(from, from + (from === 0 ? FIRST_BATCH : BATCH));
    from += batch.length;
    const columns = options.full ? 'version, name, phase, checksum, state, applied_at, duration_ms, failed_statement, error' : 'version, name, phase, checksum, state';
    const sql = batch.map((schema) => `SELECT ${literal(schema)} AS schema, ${columns} FROM (${ledgerFor(schema, options.kind).selectSql()}) AS ledger`).join('\nUNION ALL\n');
    let result;
    try {
      result = await session.query<{ schema: string } & Pick<RawLedgerRow, 'version' | 'name' | 'phase' | 'checksum' | 'state'> & Partial<RawLedgerRow>>(sql);
    } catch {
      continue;
    }
    const rows = new Map(batch.map((schema) => [schema, [] as LedgerRow[]]));
    for (const r of result.rows) {
      rows.get(r.schema)!.push({
        version: r.version, name: r.name, phase: phaseOf(r.version, r.phase), checksum: r.checksum, state: r.state,
        appliedAt: r.applied_at ?? null, durationMs: r.duration_ms ?? null, appliedBy: null, failedStatement: r.failed_statement ?? null, error: r.error ?? null,
      });
    }
    for (const [schema, list] of rows) ledgers.set(schema, list);
    options.onLedgers?.(rows);
  }
  return ledgers;
}
