/**
 * What every `adopt` shares, shown with sqlx's history: the dry run, one
 * transaction (a failure half-way writes nothing), the migration lock, a
 * ledger that already differs, usage errors, and the library call with a
 * pool, in the target schema.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { adopt, lockKey } from '../../src/index.js';
import { createLedger } from '../../src/db/ledger.js';
import { cli } from '../support/cli.js';
import { audit, createHistory, cutover, ledger, q, schema, sql, tableExists, useDatabase, writeDir } from './support.js';

const db = useDatabase();

const FILES = {
  '1_create_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
  '2_create_notes.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\n',
  '3_create_tags.sql': 'CREATE TABLE tags (id bigint);\n',
};

/** sqlx applied 1 and 2. */
async function sqlxHistory(): Promise<void> {
  await createHistory(db().url, 'sqlx');
  for (const [file, text] of Object.entries(FILES).slice(0, 2)) {
    await sql(db().url, text);
    await sql(db().url, 'INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ($1, $2, true, $3, 1000000)', [
      file.split('_')[0], file.slice(2, -4).replace(/_/g, ' '), createHash('sha384').update(text).digest(),
    ]);
  }
}

describe('adopt', () => {
  it('--dry-run shows the rows and the SQL it would write, and writes nothing', async () => {
    const dir = await writeDir(FILES);
    await sqlxHistory();
    const human = await cli(['adopt', '--from', 'sqlx', '--dry-run', '--verbose', '--url', db().url, '--schema', schema, '--dir', dir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('would adopt (dry run: nothing written) 2 migrations from sqlx');
    expect(human.stdout).toMatch(/^ {2}1 +pre +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +1_create_users\.sql$/m);
    expect(human.stdout).toContain('pending: 3_create_tags.sql (runs on the next cutover migrate)');
    expect(human.stdout).toContain(`INSERT INTO ${q}.cutover_migrations`);
    expect(human.stdout).toContain(`INSERT INTO ${q}.cutover_audit`);

    const json = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--dry-run');
    expect(json.json).toMatchObject({ ok: true, dryRun: true, outcome: 'would-adopt', entries: [{ version: '1' }, { version: '2' }] });
    expect(json.json.statements.length).toBeGreaterThan(2);
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('writes in one transaction: a failure half-way leaves no row and no audit', async () => {
    const dir = await writeDir(FILES);
    await sqlxHistory();
    const client = new pg.Client({ connectionString: db().url });
    await client.connect();
    try {
      await createLedger(client, schema, 'cutover');
      // The second row's insert fails, after the first has been written.
      await client.query(`CREATE FUNCTION ${q}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no %', NEW.version; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON ${q}.cutover_migrations FOR EACH ROW WHEN (NEW.version = '2') EXECUTE FUNCTION ${q}.refuse()`);
    } finally {
      await client.end();
    }
    const failed = await cutover(db().url, dir, 'adopt', '--from', 'sqlx');
    expect(failed.code).toBe(1);
    expect(failed.error).toMatchObject({ code: 'DATABASE', sqlstate: 'P0001' });
    expect(await ledger(db().url)).toEqual([]);
    expect(await audit(db().url)).toEqual([]);
  });

  it('waits for the schema\'s migration lock (and gives up after --lock-wait)', async () => {
    const dir = await writeDir(FILES);
    await sqlxHistory();
    const holder = new pg.Client({ connectionString: db().url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey(schema)]);
      const waited = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--lock-wait', '300ms');
      expect(waited.code).toBe(1);
      expect(waited.error).toMatchObject({ code: 'LOCK_WAIT_TIMEOUT', schema });
    } finally {
      await holder.end();
    }
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
    expect((await cutover(db().url, dir, 'adopt', '--from', 'sqlx')).code).toBe(0);
  });

  it('refuses when the ledger already holds other rows, naming each difference', async () => {
    const dir = await writeDir({ ...FILES, '1_create_users.sql': '-- edited after cutover ran it\nCREATE TABLE users (id bigint PRIMARY KEY);\n' });
    // cutover migrated version 1 from another checkout (its own checksum), then sqlx's history is adopted.
    const other = await writeDir({ '1_create_users.sql': FILES['1_create_users.sql'] });
    expect((await cutover(db().url, other, 'migrate')).code).toBe(0);
    await createHistory(db().url, 'sqlx');
    await sql(db().url, 'INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (1, $1, true, $2, 1), (2, $3, true, $4, 1)', [
      'create users', createHash('sha384').update('-- edited after cutover ran it\nCREATE TABLE users (id bigint PRIMARY KEY);\n').digest(),
      'create notes', createHash('sha384').update(FILES['2_create_notes.sql']).digest(),
    ]);

    const refused = await cutover(db().url, dir, 'adopt', '--from', 'sqlx');
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'ADOPT_CONFLICT', differences: [{ version: '1', kind: 'checksum' }, { version: '2', kind: 'absent' }] });
    expect(refused.error.message).toContain('2 is not in the ledger');
    expect((await ledger(db().url)).map((r) => r.version)).toEqual(['1']);
  });

  it('needs exactly one of --from and --baseline, a known tool, and cutover\'s own ledger (exit 2)', async () => {
    const dir = await writeDir(FILES);
    const none = await cutover(db().url, dir, 'adopt');
    expect([none.code, none.error.code]).toEqual([2, 'USAGE']);
    const both = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--baseline', '1');
    expect([both.code, both.error.code]).toEqual([2, 'USAGE']);
    const typo = await cutover(db().url, dir, 'adopt', '--from', 'flyaway');
    expect([typo.code, typo.error.code]).toEqual([2, 'USAGE']);
    expect(typo.error.hint).toContain('--from flyway');
    // With --ledger sqlx, _sqlx_migrations is the ledger: there is nothing to adopt into.
    const shared = await cutover(db().url, dir, 'adopt', '--from', 'sqlx', '--ledger', 'sqlx');
    expect([shared.code, shared.error.code]).toEqual([2, 'USAGE']);
    expect(await tableExists(db().url, 'cutover_migrations')).toBe(false);
  });

  it('is a library call: adopt({ pool, schema, dir, from })', async () => {
    const dir = await writeDir(FILES);
    await sqlxHistory();
    const pool = new pg.Pool({ connectionString: db().url });
    try {
      const report = await adopt({ pool, schema, dir, format: 'sqlx', from: 'sqlx', by: 'deploy-bot' });
      expect(report).toMatchObject({ schema, outcome: 'adopted', from: 'sqlx', entries: [{ version: '1' }, { version: '2' }] });
      expect((await audit(db().url))[0]).toMatchObject({ by: 'deploy-bot', action: 'adopt --from sqlx' });
      await expect(adopt({ pool, schema, dir, from: 'dbmate' })).rejects.toMatchObject({ code: 'HISTORY_NOT_FOUND', exitCode: 2 });
    } finally {
      await pool.end();
    }
  });
});
