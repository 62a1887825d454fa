/**
 * The round-trip budget (issue 19.2), counted on the connection, never timed:
 * after connecting, a no-op run costs at most 2 round trips, one pending
 * transactional migration at most 3 (the lock with the ledger's read; the
 * migration with its ledger row and COMMIT; the unlock), and a fleet upgrade
 * at most 3 per tenant. Fewer round trips must not cost exact error
 * locations: a failing statement is still named by file, line and number.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CutoverError, migrate, migrateFleet } from '../src/index.js';
import { ident, literal } from '../src/db/sql.js';
import { cli, migrationsDir } from './support/cli.js';
import { testSchema } from './support/db.js';
import { cleanup, database } from './support/fixtures.js';
import { query } from './support/query.js';
import { countQueries, listed } from './support/round-trips.js';

const schema = testSchema();

/** The bench's tables (bench/generate.js): a table with rows, then an upgrade of three indexes on it. */
const history = {
  '1_items.sql': 'CREATE TABLE items (id bigint PRIMARY KEY, sku text NOT NULL, price numeric NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n',
  '2_items_rows.sql': "INSERT INTO items (id, sku, price) SELECT g, 'sku-' || g, g FROM generate_series(1, 100) g;\n",
};
const upgrade = {
  ...history,
  '3_items_indexes.sql': [
    'CREATE INDEX items_sku ON items (sku);',
    'CREATE INDEX items_price ON items (price);',
    'CREATE INDEX items_created_at ON items (created_at);',
  ].join('\n') + '\n',
};

/** A pool whose connection is open before counting starts: connecting is the app's pool's cost, once per process. */
async function openPool(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  cleanup(() => pool.end());
  (await pool.connect()).release();
  return pool;
}

describe('migrate({ pool }): round trips after connecting', () => {
  it('one pending transactional migration (three statements, lint gate on) costs at most 3', async () => {
    const url = await database();
    await migrate({ url, schema, dir: await migrationsDir(history) });
    const pool = await openPool(url);

    const log = countQueries();
    const report = await migrate({ pool, schema, dir: await migrationsDir(upgrade) });
    log.stop();
    expect(report.applied.map((s) => s.migration.version)).toEqual(['3']);
    // The report still says where every migration stands, as the ledger does.
    expect(report.entries.map((e) => [e.version, e.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'applied']]);
    expect(report.entries.every((e) => e.appliedAt instanceof Date)).toBe(true);

    expect(log.connections()).toHaveLength(1);
    expect(log.sent.length, `queries sent:\n${listed(log.on(0))}`).toBeLessThanOrEqual(3);
  });

  it('a migration creating a new table costs at most 3; the first run on a new schema, 3 more', async () => {
    const url = await database();
    const pool = await openPool(url);
    const fresh = countQueries();
    await migrate({ pool, schema, dir: await migrationsDir({ '1_items.sql': history['1_items.sql'] }) });
    fresh.stop();
    // No ledger yet (the budget is for an existing one): the failed read makes the lock's own
    // round trip ask pg_locks whether the lock was taken, then the probe for the ledger and
    // its creation (with the schema's, for a new schema) come on top of the 3.
    expect(fresh.sent.length, `queries sent:\n${listed(fresh.on(0))}`).toBeLessThanOrEqual(6);

    const log = countQueries();
    await migrate({ pool, schema, dir: await migrationsDir({ '1_items.sql': history['1_items.sql'], '2_tags.sql': 'CREATE TABLE tags (id bigint PRIMARY KEY, item bigint NOT NULL REFERENCES items);\n' }) });
    log.stop();
    expect(log.sent.length, `queries sent:\n${listed(log.on(0))}`).toBeLessThanOrEqual(3);
  });

  it('a failing statement in the one round trip is still named by file, line and number; nothing is recorded', async () => {
    const url = await database();
    await migrate({ url, schema, dir: await migrationsDir(history) });
    // The second statement fails without a position (a unique violation): only the count of
    // statements the server finished says which one it was.
    const failing = {
      ...history,
      '3_bad.sql': 'CREATE INDEX items_sku ON items (sku);\nINSERT INTO items (id, sku, price) VALUES (1, \'dup\', 1);\nCREATE INDEX items_price ON items (price);\n',
    };
    const error = await migrate({ pool: await openPool(url), schema, dir: await migrationsDir(failing) }).then(() => undefined, (e: unknown) => e as CutoverError);
    expect(error).toBeInstanceOf(CutoverError);
    expect(error!.code).toBe('MIGRATION_FAILED');
    expect(error!.details).toMatchObject({ file: '3_bad.sql', line: 2, column: 1, statement: 2, sqlstate: '23505' });
    expect(error!.message).toContain('3_bad.sql:2:1');
    const ledger = await query<{ version: string }>(url, `SELECT version FROM ${ident(schema)}.cutover_migrations ORDER BY version::int`);
    expect(ledger.map((r) => r.version)).toEqual(['1', '2']);
    expect(await query(url, `SELECT 1 FROM pg_class WHERE relname = 'items_sku'`)).toEqual([]);
    // The report's entries come from the ledger as it is after the failure.
    expect(error!.report?.entries.map((e) => [e.version, e.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'pending']]);
  });

  it('a statement failing with a position is shown at that position, in the later statement (the server counts characters, not UTF-16 units)', async () => {
    const url = await database();
    await migrate({ url, schema, dir: await migrationsDir(history) });
    const failing = { ...history, '3_bad.sql': "COMMENT ON TABLE items IS 'prices in € 🚀';\n\nUPDATE items SET price = price + nope;\n" };
    const error = await migrate({ pool: await openPool(url), schema, dir: await migrationsDir(failing) }).then(() => undefined, (e: unknown) => e as CutoverError);
    expect(error!.details).toMatchObject({ file: '3_bad.sql', line: 3, column: 34, statement: 2, sqlstate: '42703' });
  });
});

describe('cutover migrate (the CLI): round trips after connecting', () => {
  it('no-op 2, one pending migration 3, the invalid-index check included', async () => {
    const url = await database();
    await cli(['migrate', '--url', url, '--schema', schema, '--dir', await migrationsDir(history)]);
    // An index a failed CREATE INDEX CONCURRENTLY left behind: the check must still find it.
    await query(url, `CREATE INDEX broken ON ${ident(schema)}.items (sku); UPDATE pg_index SET indisvalid = false WHERE indexrelid = ${literal(`${ident(schema)}.broken`)}::regclass`);
    const dir = await migrationsDir(upgrade);

    const pending = countQueries();
    const applied = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    pending.stop();
    expect(applied, applied.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(applied.stdout).invalidIndexes.map((i: { index: string }) => i.index)).toEqual(['broken']);
    expect(pending.connections()).toHaveLength(1);
    expect(pending.sent.length, `queries sent:\n${listed(pending.on(0))}`).toBeLessThanOrEqual(3);

    const noop = countQueries();
    const again = await cli(['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json']);
    noop.stop();
    expect(JSON.parse(again.stdout).invalidIndexes.map((i: { index: string }) => i.index)).toEqual(['broken']);
    expect(noop.sent.length, `queries sent:\n${listed(noop.on(0))}`).toBeLessThanOrEqual(2);
  });
});

describe('a fleet upgrade: round trips per tenant', () => {
  it('costs at most 3 per tenant on its connection; the bulk ledger read and NOTIFY are counted apart', async () => {
    const url = await database();
    const tenants = Array.from({ length: 6 }, (_, i) => `tenant_${i + 1}`);
    await query(url, tenants.map((t) => `CREATE SCHEMA ${ident(t)}`).join(';\n'));
    const targets = [{ url, schemas: tenants }];
    await migrateFleet({ targets, dir: await migrationsDir(history), concurrency: 1 });

    const log = countQueries();
    const report = await migrateFleet({ targets, dir: await migrationsDir(upgrade), concurrency: 1 });
    log.stop();
    expect(report.counts.applied).toBe(tenants.length);

    // One connection migrates every tenant (concurrency 1); it takes the advisory locks.
    const [runs, ...others] = log.sending(/pg_try_advisory_lock/);
    expect(others).toEqual([]);
    // The budget is 3; it takes 2: the lock with the ledger's read, then the migration with its
    // ledger row, COMMIT, the ledger's read for the report and the unlock.
    const perTenant = log.on(runs!).length / tenants.length;
    expect(perTenant, `queries on the tenants' connection:\n${listed(log.on(runs!))}`).toBeLessThanOrEqual(2);

    // The side connections: the bulk ledger read (its own connection, a few queries for all tenants)
    // and NOTIFY cutover_progress (batched every 250 ms: at most one per applied migration).
    const notify = log.sending(/pg_notify/);
    expect(notify).toHaveLength(1);
    expect(log.on(notify[0]!).length).toBeGreaterThanOrEqual(1);
    expect(log.on(notify[0]!).length).toBeLessThanOrEqual(tenants.length);
    const reads = log.connections().filter((c) => c !== runs && c !== notify[0]);
    expect(reads.flatMap(log.on).length, listed(reads.flatMap(log.on))).toBeLessThanOrEqual(3);
  });
});
