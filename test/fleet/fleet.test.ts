/**
 * The fleet against a real Postgres (issue 5): discovery by glob, query and
 * ledger; many tenants in parallel; a failing tenant with and without
 * --continue-on-error, then a rerun that resumes; the canary; shards that
 * cover every tenant exactly once; two fleet runs at once; hostile tenant
 * names; two databases in one run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError, fleetStatus, migrate, migrateFleet, registerInstance, type FleetEvent, type FleetReport } from '../../src/index.js';
import { ident } from '../../src/db/sql.js';
import { readLedgers } from '../../src/fleet/ledgers.js';
import { ConnectionSlot } from '../../src/fleet/connections.js';
import { pgConnector } from '../../src/db/pg.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query } from '../support/db.js';

let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  db = await freshDatabase();
  cleanups.push(() => db.drop());
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** Each migration counts itself in public.applied, so a double apply shows. */
const files = {
  '1_notes.sql': "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);\nINSERT INTO public.applied (schema, version) VALUES (current_schema(), 1);\n",
  '2_author.sql': "ALTER TABLE notes ADD COLUMN author text NOT NULL DEFAULT 'anonymous';\nINSERT INTO public.applied (schema, version) VALUES (current_schema(), 2);\n",
  '3_index.sql': 'CREATE INDEX notes_author ON notes (author);\nINSERT INTO public.applied (schema, version) VALUES (current_schema(), 3);\n',
};

async function tenants(url: string, names: string[]): Promise<void> {
  await query(url, 'CREATE TABLE IF NOT EXISTS public.applied (schema text NOT NULL, version int NOT NULL)');
  await query(url, names.map((n) => `CREATE SCHEMA ${ident(n)}`).join(';\n'));
}

const range = (n: number, prefix = 'tenant_') => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);

async function appliedCounts(url: string): Promise<Map<string, number[]>> {
  const rows = await query<{ schema: string; version: number }>(url, 'SELECT schema, version FROM public.applied ORDER BY schema, version');
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.schema, [...(out.get(r.schema) ?? []), r.version]);
  return out;
}

async function ledgerVersions(url: string, schema: string): Promise<string[]> {
  const [exists] = await query<{ ok: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS ok', [`${ident(schema)}.cutover_migrations`]);
  if (!exists!.ok) return [];
  return (await query<{ version: string }>(url, `SELECT version FROM ${ident(schema)}.cutover_migrations WHERE state = 'applied' ORDER BY version::int`)).map((r) => r.version);
}

async function failure(promise: Promise<unknown>): Promise<CutoverError> {
  try {
    await promise;
  } catch (error) {
    return error as CutoverError;
  }
  throw new Error('expected a failure');
}

describe('target discovery', () => {
  it('finds schemas by glob, by query and by ledger, and never system schemas', async () => {
    await tenants(db.url, ['tenant_a', 'tenant_b', 'other', 'tenant_c']);
    const dir = await migrationsDir(files);
    const glob = await migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, concurrency: 2 });
    expect(glob.targets.map((t) => t.schema)).toEqual(['tenant_a', 'tenant_b', 'tenant_c']);

    await query(db.url, "CREATE TABLE public.customers (schema_name text, active boolean); INSERT INTO public.customers VALUES ('other', true), ('tenant_a', false)");
    const byQuery = await migrateFleet({ targets: [{ url: db.url, query: 'SELECT schema_name FROM public.customers WHERE active' }], dir });
    expect(byQuery.targets.map((t) => [t.schema, t.outcome])).toEqual([['other', 'applied']]);

    const all = await fleetStatus({ targets: [{ url: db.url, allSchemas: true }], dir });
    expect(all.targets.map((t) => t.schema)).toEqual(['other', 'tenant_a', 'tenant_b', 'tenant_c']);
    expect(all.counts.upToDate).toBe(4);

    const none = await failure(migrateFleet({ targets: [{ url: db.url, pattern: 'pg_*' }], dir }));
    expect(none.code).toBe('NO_TARGETS');
    const twoColumns = await failure(migrateFleet({ targets: [{ url: db.url, query: 'SELECT nspname, oid FROM pg_namespace' }], dir }));
    expect(twoColumns.code).toBe('TARGET_QUERY');
    // The query runs read-only: it can name schemas, not change anything.
    const writes = await failure(migrateFleet({ targets: [{ url: db.url, query: "INSERT INTO public.customers VALUES ('x', true) RETURNING schema_name" }], dir }));
    expect(writes.code).toBe('TARGET_QUERY');
    expect(await query(db.url, "SELECT 1 FROM public.customers WHERE schema_name = 'x'")).toEqual([]);
  });
});

describe('reading ledgers in bulk', () => {
  it('hands them over part by part in target order: the schemas without one, a small first batch, then the rest', async () => {
    const names = range(15);
    await tenants(db.url, [...names, 'no_ledger']);
    await migrateFleet({ targets: [{ url: db.url, schemas: names }], dir: await migrationsDir(files) });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanups.push(() => client.end());
    const parts: string[][] = [];
    // Asked in reverse order: the parts follow the order asked for.
    const asked = ['no_ledger', ...[...names].reverse()];
    const all = await readLedgers(client, asked, { kind: 'cutover', onLedgers: (part) => parts.push([...part.keys()]) });
    expect(parts).toEqual([['no_ledger'], asked.slice(1, 11), asked.slice(11)]);
    expect(all.get('no_ledger')).toBeUndefined();
    expect(all.get('tenant_001')?.map((r) => r.version)).toEqual(['1', '2', '3']);
  });
});

/**
 * Transactions that ended in an error in the database, counted once every
 * other session has gone (a backend's statistics are flushed as it exits).
 */
async function failedTransactions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 200; i++) {
      const { rows: [others] } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      if (others!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const { rows: [stats] } = await client.query<{ n: number }>('SELECT xact_rollback::int AS n FROM pg_stat_database WHERE datname = current_database()');
    return stats!.n;
  } finally {
    await client.end();
  }
}

describe('new tenants', () => {
  it('are probed for a ledger, not read: no failing SELECT (an ERROR line in the server log) per tenant', async () => {
    const names = range(12);
    await tenants(db.url, [...names, 'solo']);
    const dir = await migrationsDir(files);
    const before = await failedTransactions(db.url);
    const report = await migrateFleet({ targets: [{ url: db.url, schemas: names }], dir, concurrency: 3 });
    expect(report.counts.applied).toBe(12);
    expect((await appliedCounts(db.url)).get('tenant_012')).toEqual([1, 2, 3]);
    expect((await failedTransactions(db.url)) - before).toBe(0);
    // A single run reads its ledger first (one round trip when it exists, as it almost always
    // does); on a new schema that read fails once, which this count sees.
    await migrate({ url: db.url, dir, schema: 'solo' });
    expect((await failedTransactions(db.url)) - before).toBe(1);
  });
});

/** Sessions of a fleet run still connected to the database, once those closing have gone. */
async function fleetSessions(url: string): Promise<number> {
  let n = 0;
  for (let i = 0; i < 200; i++) {
    [{ n }] = (await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cutover fleet'")) as [{ n: number }];
    if (n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return n;
}

describe('a fleet connection', () => {
  it("keeps its tenant's search_path after a failed first query (the SET sent with it was rolled back with it)", async () => {
    await tenants(db.url, ['tenant_a']);
    const slot = new ConnectionSlot();
    const connection = await slot.connectorFor(pgConnector({ url: db.url, applicationName: 'cutover fleet' }), 'tenant_a').connect();
    try {
      await expect(connection.query('SELECT 1; SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
      expect((await connection.query<{ search_path: string }>('SHOW search_path')).rows[0]!.search_path).toBe('tenant_a');
    } finally {
      await slot.discard();
    }
  });
});

describe('discovery connections', () => {
  it('serve the bulk ledger read, and none is left open: a shard with nothing in one database, a bad migration set', async () => {
    const other = await freshDatabase();
    cleanups.push(() => other.drop());
    const names = range(6);
    await tenants(db.url, names);
    await tenants(other.url, ['lonely']);
    const dir = await migrationsDir(files);
    const targets = [{ url: db.url, pattern: 'tenant_*' }, { url: other.url, pattern: 'lonely' }];
    // Some shard of 2 leaves the one schema of the other database out.
    const shards = await Promise.all([1, 2].map(async (i) => migrateFleet({ targets, dir, shard: `${i}/2`, concurrency: 2 })));
    expect(shards.flatMap((r) => r.targets.map((t) => t.schema)).sort()).toEqual(['lonely', ...names]);
    expect(await fleetSessions(db.url)).toBe(0);
    expect(await fleetSessions(other.url)).toBe(0);
    // Files that cannot be a migration set are reported after discovery has connected.
    const bad = await migrationsDir({ ...files, '3_again.sql': 'SELECT 1;\n' });
    await expect(migrateFleet({ targets, dir: bad })).rejects.toBeInstanceOf(CutoverError);
    expect(await fleetSessions(db.url)).toBe(0);
    expect(await fleetSessions(other.url)).toBe(0);
  });
});

describe('migrateFleet', () => {
  it('migrates 50 tenants in parallel, each exactly as a single run, over a bounded set of connections', async () => {
    const names = range(50);
    await tenants(db.url, names);
    const dir = await migrationsDir(files);
    const events: FleetEvent[] = [];
    let running = 0;
    let peak = 0;
    const report = await migrateFleet({
      targets: [{ url: db.url, pattern: 'tenant_*' }], dir, concurrency: 6,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'target-started') peak = Math.max(peak, ++running);
        if (e.type === 'target-finished') running--;
      },
    });
    expect(report.counts).toEqual({ applied: 50, 'up-to-date': 0, failed: 0, skipped: 0 });
    expect(report.migrationsApplied).toBe(150);
    expect(report.targets.every((t) => t.version === '3')).toBe(true);
    expect(peak).toBeLessThanOrEqual(6);
    const counts = await appliedCounts(db.url);
    for (const name of names) {
      expect(counts.get(name)).toEqual([1, 2, 3]);
      expect(await ledgerVersions(db.url, name)).toEqual(['1', '2', '3']);
    }
    // Single-run events come through tagged with their target.
    const finished = events.filter((e) => e.type === 'migration-finished');
    expect(finished).toHaveLength(150);
    expect(finished.every((e) => 'target' in e && e.target.schema === e.schema)).toBe(true);

    // A rerun is a no-op everywhere, found from the ledgers read in bulk: no lock round trip per tenant.
    const rerun: string[] = [];
    const again = await migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, onEvent: (e) => rerun.push(e.type) });
    expect(again.counts['up-to-date']).toBe(50);
    expect(again.targets.every((t) => t.version === '3')).toBe(true);
    expect(rerun).not.toContain('lock-acquired');
    // A tenant with something pending still runs under its lock.
    await query(db.url, "DELETE FROM tenant_007.cutover_migrations WHERE version = '3'; DROP INDEX tenant_007.notes_author; DELETE FROM public.applied WHERE schema = 'tenant_007' AND version = 3");
    rerun.length = 0;
    const one = await migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, onEvent: (e) => rerun.push(e.type) });
    expect(one.counts).toMatchObject({ applied: 1, 'up-to-date': 49 });
    expect(rerun.filter((t) => t === 'lock-acquired')).toHaveLength(1);
    expect((await appliedCounts(db.url)).get('tenant_007')).toEqual([1, 2, 3]);
  });

  it('stops at a failing tenant by default, goes on with --continue-on-error, and a rerun resumes', async () => {
    const names = range(12);
    await tenants(db.url, names);
    // tenant_005 already has a table "notes": 1_notes.sql fails there.
    await query(db.url, 'CREATE TABLE tenant_005.notes (x int)');
    const dir = await migrationsDir(files);
    const targets = [{ url: db.url, pattern: 'tenant_*' }];

    const stopped = await failure(migrateFleet({ targets, dir, concurrency: 1 }));
    expect(stopped.code).toBe('FLEET_FAILED');
    const first = stopped.report as unknown as FleetReport;
    expect(first.stopped).toBe('failure');
    expect(first.failures.map((f) => [f.schema, f.error?.code])).toEqual([['tenant_005', 'MIGRATION_FAILED']]);
    expect(first.counts).toEqual({ applied: 4, 'up-to-date': 0, failed: 1, skipped: 7 });
    let counts = await appliedCounts(db.url);
    expect(counts.get('tenant_005')).toBeUndefined(); // rolled back
    expect(await ledgerVersions(db.url, 'tenant_006')).toEqual([]); // never started
    for (const name of names.slice(0, 4)) expect(counts.get(name)).toEqual([1, 2, 3]);

    const goOn = await failure(migrateFleet({ targets, dir, concurrency: 3, continueOnError: true }));
    const second = goOn.report as unknown as FleetReport;
    expect(second.counts).toEqual({ applied: 7, 'up-to-date': 4, failed: 1, skipped: 0 });
    counts = await appliedCounts(db.url);
    for (const name of names) expect(counts.get(name)).toEqual(name === 'tenant_005' ? undefined : [1, 2, 3]);

    // Fix the tenant; the rerun applies only what is missing.
    await query(db.url, 'DROP TABLE tenant_005.notes');
    const third = await migrateFleet({ targets, dir, concurrency: 3 });
    expect(third.counts).toEqual({ applied: 1, 'up-to-date': 11, failed: 0, skipped: 0 });
    counts = await appliedCounts(db.url);
    for (const name of names) expect(counts.get(name)).toEqual([1, 2, 3]);
  });

  it('a bad file stops the whole fleet before any tenant runs it, even with continueOnError', async () => {
    const names = range(8);
    await tenants(db.url, names);
    const dir = await migrationsDir({ ...files, '4_bad.sql': 'ALTER TABLE notes ADD COLUMN;\n' });
    const error = await failure(migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, concurrency: 3, continueOnError: true }));
    expect(error.code).toBe('SYNTAX_ERROR');
    expect(error.exitCode).toBe(2);
    expect((error.report as unknown as FleetReport).stopped).toBe('bad-input');
    expect(await appliedCounts(db.url)).toEqual(new Map());
  });

  it('the canary: a failure among the first N stops the run before the rest', async () => {
    const names = range(10);
    await tenants(db.url, names);
    await query(db.url, 'CREATE TABLE tenant_002.notes (x int)');
    const dir = await migrationsDir(files);
    const error = await failure(migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, canary: 3, concurrency: 4, continueOnError: true }));
    expect(error.code).toBe('CANARY_FAILED');
    const report = error.report as unknown as FleetReport;
    expect(report.stopped).toBe('canary');
    expect(report.counts).toMatchObject({ failed: 1, skipped: 7 });
    expect(report.targets.filter((t) => t.outcome !== 'skipped').every((t) => t.canary)).toBe(true);
    for (const name of names.slice(3)) expect(await ledgerVersions(db.url, name)).toEqual([]);

    await query(db.url, 'DROP TABLE tenant_002.notes');
    const events: string[] = [];
    const passed = await migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, canary: 3, onEvent: (e) => e.type === 'canary-passed' && events.push(e.type) });
    expect(passed.counts).toMatchObject({ applied: 8, 'up-to-date': 2 });
    expect(events).toEqual(['canary-passed']);
  });

  it('--shard i/n: n workers cover every tenant exactly once', async () => {
    const names = range(30);
    await tenants(db.url, names);
    const dir = await migrationsDir(files);
    const seen: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const report = await migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, shard: `${i}/3` });
      expect(report.shard).toEqual({ index: i, count: 3 });
      expect(report.counts.applied).toBe(report.total);
      seen.push(...report.targets.map((t) => t.schema));
    }
    expect(seen.sort()).toEqual(names);
    const counts = await appliedCounts(db.url);
    for (const name of names) expect(counts.get(name)).toEqual([1, 2, 3]);
    await expect(migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, shard: '4/3' })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('two fleet runs started at once on overlapping targets apply everything exactly once', async () => {
    const names = range(24);
    await tenants(db.url, names);
    const dir = await migrationsDir(files);
    const [a, b] = await Promise.all([
      migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_0*' }], dir, concurrency: 4 }),
      migrateFleet({ targets: [{ url: db.url, pattern: 'tenant_*' }], dir, concurrency: 4 }),
    ]);
    expect(a.counts.failed + b.counts.failed).toBe(0);
    expect(a.migrationsApplied + b.migrationsApplied).toBe(names.length * 3);
    const counts = await appliedCounts(db.url);
    for (const name of names) expect(counts.get(name)).toEqual([1, 2, 3]);
  });

  it('hostile tenant names are data: quoted everywhere, never spliced', async () => {
    const hostile = [`tenant "x"\\ 'y; DROP SCHEMA public CASCADE; --`, 'tenant with space', 'tenant,comma', 'tenant_é'];
    await tenants(db.url, hostile);
    const dir = await migrationsDir(files);
    const report = await migrateFleet({ targets: [{ url: db.url, pattern: 'tenant*' }], dir, concurrency: 2 });
    expect(report.counts.applied).toBe(4);
    const byQuery = await migrateFleet({ targets: [{ url: db.url, query: "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%'" }], dir });
    expect(byQuery.counts['up-to-date']).toBe(4);
    const counts = await appliedCounts(db.url);
    for (const name of hostile) expect(counts.get(name)).toEqual([1, 2, 3]);
    const [publicSchema] = await query<{ ok: boolean }>(db.url, "SELECT to_regnamespace('public') IS NOT NULL AS ok");
    expect(publicSchema!.ok).toBe(true);
    // Explicit names are created on first use, like --schema.
    const created = await migrateFleet({ targets: [{ url: db.url, schemas: ['brand "new"'] }], dir });
    expect(created.counts.applied).toBe(1);
    expect(await ledgerVersions(db.url, 'brand "new"')).toEqual(['1', '2', '3']);
  });
});

describe('the CLI', () => {
  it('migrates two databases from config targets, then shows the fleet matrix', async () => {
    const other = await freshDatabase();
    cleanups.push(() => other.drop());
    await tenants(db.url, ['tenant_1', 'tenant_2']);
    await tenants(other.url, ['tenant_1', 'shop_x']);
    const dir = await migrationsDir(files);
    await writeFile(join(dir, 'cutover.config.json'), JSON.stringify({
      dir: '.',
      targets: [{ url: db.url, schemas: 'tenant_*' }, { url: other.url, schemas: ['tenant_1', 'shop_x', 'new_one'] }],
    }));
    const run = await cli(['migrate', '--json', '--concurrency', '3'], { cwd: dir });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as FleetReport & { ok: boolean };
    expect(report.ok).toBe(true);
    expect(report.counts.applied).toBe(5);
    expect(new Set(report.targets.map((t) => t.database)).size).toBe(2);
    expect(run.stdout).not.toContain('password');
    expect((await appliedCounts(other.url)).get('new_one')).toEqual([1, 2, 3]);

    await writeFile(join(dir, '4_post.sql'), '-- cutover:phase post\nALTER TABLE notes DROP COLUMN body;\n');
    const status = await cli(['status', '--check'], { cwd: dir });
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('fleet status: 5 targets, 0 up to date');
    expect(status.stdout).toContain('pending post: 5');
    const json = JSON.parse((await cli(['status', '--json'], { cwd: dir })).stdout);
    expect(json.versions).toEqual([{ version: '3', count: 5 }]);
    expect(json.counts.pendingPost).toBe(5);
  });

  it('--schema a,b and --schemas with the summary, failures and exit codes', async () => {
    await tenants(db.url, ['t1', 't2', 't3']);
    await query(db.url, 'CREATE TABLE t3.notes (x int)');
    const dir = await migrationsDir(files);
    const ok = await cli(['migrate', '--url', db.url, '--dir', dir, '--schema', 't1,t2']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('fleet: 2 targets');
    expect(ok.stdout).toMatch(/applied\s+2/);
    const failed = await cli(['migrate', '--url', db.url, '--dir', dir, '--schemas', 't*', '--continue-on-error']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('failed: schema "t3"');
    expect(failed.stderr).toContain('error[FLEET_FAILED]');
    expect(failed.stdout).toMatch(/failed\s+1/);
    const json = await cli(['migrate', '--url', db.url, '--dir', dir, '--schemas', 't*', '--json']);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ ok: false, error: { code: 'FLEET_FAILED', report: { counts: { failed: 1 } } } });
    expect(body.error.report.failures[0].error.code).toBe('MIGRATION_FAILED');
    const usage = await cli(['migrate', '--url', db.url, '--dir', dir, '--schemas', 't*', '--shard', '0/2']);
    expect(usage.code).toBe(2);
  });
});

describe('--schemas, one meaning on every command (17)', () => {
  it('a list of names and globs, as backup and copy read it; a name that is not there is SCHEMA_NOT_FOUND', async () => {
    await tenants(db.url, ['audit', 'tenant_a', 'tenant_b', 'other', 'a,b']);
    const dir = await migrationsDir(files);
    const run = await cli(['migrate', '--url', db.url, '--dir', dir, '--schemas', 'tenant_*, audit,a\\,b', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).total).toBe(4);
    expect(await ledgerVersions(db.url, 'a,b')).toEqual(['1', '2', '3']);
    expect(await ledgerVersions(db.url, 'other')).toEqual([]);
    const typo = await cli(['status', '--url', db.url, '--dir', dir, '--schemas', 'tenant_*,adit', '--json']);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout).error).toMatchObject({ code: 'SCHEMA_NOT_FOUND', schemas: ['adit'] });
  });
});

describe('the post-deploy guard in a fleet run', () => {
  it('holds back the post migration of a tenant whose old instance is live, and only that tenant', async () => {
    await tenants(db.url, ['tenant_old', 'tenant_new']);
    const dir = await migrationsDir({ ...files, '4_drop_body.sql': '-- cutover:phase post\nALTER TABLE notes DROP COLUMN body;\n' });
    await migrateFleet({ targets: [{ url: db.url, schemas: ['tenant_old', 'tenant_new'] }], dir, phase: 'pre' });
    // An app instance of tenant_old still runs code that knows only up to version 3 (it reads `body`).
    const old = await registerInstance({ url: db.url, schema: 'tenant_old', id: 'old-1', host: 'h', appVersion: 'v1', knownVersion: '3', heartbeatMs: 30_000, ttlMs: 60_000 });
    cleanups.push(() => old.stop());

    const error = await failure(migrateFleet({ targets: [{ url: db.url, schemas: ['tenant_old', 'tenant_new'] }], dir, phase: 'post', continueOnError: true }));
    const report = error.report as unknown as FleetReport;
    const outcome = new Map(report.targets.map((t) => [t.schema, [t.outcome, t.error?.code]]));
    expect(outcome.get('tenant_new')).toEqual(['applied', undefined]);
    expect(outcome.get('tenant_old')).toEqual(['failed', 'INSTANCES_BEHIND']);
    expect(await ledgerVersions(db.url, 'tenant_old')).toEqual(['1', '2', '3']);
    expect(await ledgerVersions(db.url, 'tenant_new')).toEqual(['1', '2', '3', '4']);
    // The old code's query still works where the guard held.
    expect(await query(db.url, 'SELECT body FROM tenant_old.notes')).toEqual([]);
  });
});
