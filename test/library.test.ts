/**
 * The library against a real Postgres (DESIGN §1 "Library"): migrating at
 * start-up in three lines, bundled migrations in a build without the folder,
 * `schemaPool` for the app's own queries, the cost of a no-op boot in
 * database round trips, and the typed error with its partial report.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError, migrate, schemaPool, type MigrateReport } from '../src/index.js';
import { ident } from '../src/db/sql.js';
import { cli, migrationsDir } from './support/cli.js';
import { freshDatabase, query, testSchema } from './support/db.js';
import { countQueries, listed } from './support/round-trips.js';

const schema = testSchema();
const hostile = `tenant "x"\\ 'y; DROP SCHEMA public CASCADE; --`; // quotes, a backslash, spaces, ;
let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  await db.drop();
});

const notes = {
  '1_notes.sql': 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);\n',
  '2_notes_author.sql': "ALTER TABLE notes ADD COLUMN author text NOT NULL DEFAULT 'anonymous';\n",
};

async function ledger(inSchema: string): Promise<{ version: string; checksum: string }[]> {
  return query<{ version: string; checksum: string }>(db.url, `SELECT version, checksum FROM ${ident(inSchema)}.cutover_migrations ORDER BY version::bigint`);
}

async function relationExists(inSchema: string, name: string): Promise<boolean> {
  const [row] = await query<{ exists: boolean }>(db.url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`${ident(inSchema)}.${ident(name)}`]);
  return row!.exists;
}

const versions = (report: MigrateReport) => report.applied.map((step) => step.migration.version);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function pool(options: pg.PoolConfig): pg.Pool {
  const created = new pg.Pool({ max: 2, ...options });
  // An idle client whose session ends (the database dropped under it) must not crash the run.
  created.on('error', () => {});
  cleanups.push(() => created.end());
  return created;
}

describe('migrate() at start-up', () => {
  it('takes three lines: import, call, go on', async () => {
    const dir = await migrationsDir(notes);
    const url = db.url;

    // The app's start-up code:
    const report = await migrate({ url, schema, dir });

    expect(versions(report)).toEqual(['1', '2']);
    expect(report).toMatchObject({ schema, phase: 'all', dryRun: false, deferred: [], warnings: [] });
    expect(report.entries.map((e) => [e.version, e.state])).toEqual([['1', 'applied'], ['2', 'applied']]);
    expect((await ledger(schema)).map((r) => r.version)).toEqual(['1', '2']);
    await query(db.url, `INSERT INTO ${ident(schema)}.notes (body) VALUES ('hello')`);

    // The next boot: nothing to do is success.
    const again = await migrate({ url, schema, dir });
    expect(again.applied).toEqual([]);
  });

  it('runs bundled migrations (cutover bundle) in a build without the folder', async () => {
    // One file with CRLF line ends and a BOM: the bundle must checksum it as the directory would.
    const files = { ...notes, '3_notes_index.sql': '\uFEFFCREATE INDEX notes_author ON notes (author);\r\n' };
    const dir = await migrationsDir(files);
    const build = await mkdtemp(join(tmpdir(), 'cutover-build-'));
    cleanups.push(() => rm(build, { recursive: true, force: true }));
    await writeFile(join(build, 'package.json'), '{ "type": "module" }\n');
    const out = join(build, 'm.generated.js');

    const bundled = await cli(['bundle', '--out', out, '--dir', dir]);
    expect(bundled.code, bundled.stderr).toBe(0);
    await rm(dir, { recursive: true, force: true }); // the container has no migrations folder

    const { migrations } = (await import(pathToFileURL(out).href)) as { migrations: { file: string; sql: string }[] };
    const report = await migrate({ url: db.url, schema, migrations });
    expect(versions(report)).toEqual(['1', '2', '3']);
    expect(await ledger(schema)).toEqual([
      { version: '1', checksum: sha256(notes['1_notes.sql']) },
      { version: '2', checksum: sha256(notes['2_notes_author.sql']) },
      { version: '3', checksum: sha256('CREATE INDEX notes_author ON notes (author);\n') },
    ]);
    expect(await relationExists(schema, 'notes_author')).toBe(true);

    expect((await migrate({ url: db.url, schema, migrations })).applied).toEqual([]);
  });
});

describe('schemaPool()', () => {
  it.each([
    ['the test schema', schema],
    ['a hostile schema name', hostile],
  ])('pins search_path for the app: its queries land in %s', async (_, target) => {
    const dir = await migrationsDir(notes);
    await migrate({ url: db.url, schema: target, dir });

    const app = schemaPool({ url: db.url, schema: target, max: 2 });
    app.on('error', () => {});
    cleanups.push(() => app.end());
    // Both pooled connections, not only the first.
    const clients = await Promise.all([app.connect(), app.connect()]);
    for (const [i, client] of clients.entries()) {
      expect((await client.query('SELECT current_schema() AS s')).rows[0].s).toBe(target);
      await client.query('INSERT INTO notes (body) VALUES ($1)', [`note ${i}`]);
      client.release();
    }
    await app.query("INSERT INTO notes (body, author) VALUES ('third', 'ann')");

    const rows = await query(db.url, `SELECT body, author FROM ${ident(target)}.notes ORDER BY id`);
    expect(rows).toEqual([
      { body: 'note 0', author: 'anonymous' },
      { body: 'note 1', author: 'anonymous' },
      { body: 'third', author: 'ann' },
    ]);
    const elsewhere = await query(db.url, `SELECT relname FROM pg_class WHERE relname = 'notes' AND relnamespace <> (SELECT oid FROM pg_namespace WHERE nspname = $1)`, [target]);
    expect(elsewhere).toEqual([]);
    expect(await query(db.url, `SELECT 1 FROM pg_namespace WHERE nspname = 'public'`)).toHaveLength(1);
  });
});

describe('a no-op boot (everything applied)', () => {
  it('costs at most 2 database round trips', async () => {
    const dir = await migrationsDir(notes);
    await migrate({ url: db.url, schema, dir });

    const real = pool({ connectionString: db.url });
    // Open the connection first: connecting is the app's pool's cost, paid once per process, not per migrate().
    (await real.connect()).release();
    const log = countQueries();
    const report = await migrate({ pool: real, schema, dir });
    log.stop();
    expect(report.applied).toEqual([]);

    // Counted: every query the run sends. The session settings (`SET application_name …; SET search_path …`)
    // must share the lock's round trip rather than cost one of their own.
    // Needed: take the lock and read the ledger (one round trip: the read is its own statement after
    // the lock's), release the lock.
    expect(log.sent.length, `queries sent:\n${listed(log.on(0))}`).toBeLessThanOrEqual(2);
  });
});

describe('migrate({ url })', () => {
  it('leaves no session behind: the server ends it on the Terminate message, which migrate() does not wait for', async () => {
    const dir = await migrationsDir(notes);
    const applicationName = `cutover close ${process.pid}`;
    const sessions = async () => (await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]))[0]!.n;
    expect(versions(await migrate({ url: db.url, schema, dir, applicationName }))).toEqual(['1', '2']);
    // The Terminate message was sent: the server ends the session by itself (polled; vitest's timeout bounds it).
    while ((await sessions()) > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await sessions()).toBe(0);
  });
});

describe('migrate({ pool })', () => {
  it('gives the pooled connection back as it found it: no search_path or application_name left behind for the app', async () => {
    const dir = await migrationsDir(notes);
    // One connection, so the app gets back exactly the one migrate() used (unless it was discarded).
    const app = pool({ connectionString: db.url, max: 1, application_name: 'the app' });
    const tenants = [schema, hostile];
    for (const tenant of tenants) expect(versions(await migrate({ pool: app, schema: tenant, dir }))).toEqual(['1', '2']);

    const session = await app.query("SELECT current_setting('application_name') AS name, current_setting('search_path') AS path");
    expect(session.rows[0]).toEqual({ name: 'the app', path: '"$user", public' });
    // The app's unqualified names still resolve as before the migrations: not in the last tenant's schema.
    if (schema !== 'public') await expect(app.query('SELECT count(*) FROM notes')).rejects.toMatchObject({ code: '42P01' });
  });
});

describe('a failed migrate()', () => {
  it('rejects with a typed CutoverError carrying the partial report', async () => {
    const dir = await migrationsDir({
      ...notes,
      '3_bad.sql': 'ALTER TABLE notes ADD COLUMN tag text;\nALTER TABLE notes ALTER COLUMN missing SET NOT NULL;\n',
      '4_never.sql': 'CREATE TABLE never (id int);\n',
    });
    const events: string[] = [];
    const error = await migrate({ url: db.url, schema, dir, onEvent: (event) => events.push(event.type) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CutoverError);
    const failure = error as CutoverError;
    expect(failure.code).toBe('MIGRATION_FAILED');
    expect(failure.exitCode).toBe(1);
    expect(failure.details).toMatchObject({ file: '3_bad.sql', version: '3', line: 2, sqlstate: '42703', statement: 2 });
    expect(failure.hint).toMatch(/\S/);
    const report = failure.report as MigrateReport;
    expect(report).toMatchObject({ schema, dryRun: false });
    expect(versions(report)).toEqual(['1', '2']);
    expect(report.planned.map((step) => step.version)).toEqual(['1', '2', '3', '4']);
    // The states after the failure, as the ledger holds them (not as they were before the run).
    expect(report.entries.map((e) => [e.version, e.state])).toEqual([['1', 'applied'], ['2', 'applied'], ['3', 'pending'], ['4', 'pending']]);
    expect(events.filter((type) => type === 'migration-failed')).toHaveLength(1);

    expect((await ledger(schema)).map((r) => r.version)).toEqual(['1', '2']);
    expect(await relationExists(schema, 'never')).toBe(false);
  });

  it('rejects bad input with the typed error before touching the database', async () => {
    const dir = await migrationsDir({ '1_a.sql': 'CREAT TABLE a ();\n' });
    const error = await migrate({ url: db.url, schema, dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('SYNTAX_ERROR');
    expect((error as CutoverError).exitCode).toBe(2);
    expect((error as CutoverError).details).toMatchObject({ file: '1_a.sql', line: 1, column: 1 });
    expect(await query(db.url, `SELECT 1 FROM pg_class WHERE relname = 'cutover_migrations'`)).toEqual([]);
  });
});
