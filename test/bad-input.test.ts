/**
 * Bad input and run-time failures against a real Postgres (DESIGN §1
 * "Failure", "Command line"). Bad input exits 2 with a message naming the
 * file (and line) or the setting, and a hint, and touches nothing in the
 * database: no ledger, no schema, no table. Run-time failures exit 1 with a
 * clear message, and a password never shows in stdout or stderr.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ident } from '../src/db/sql.js';
import { cli, migrationsDir } from './support/cli.js';
import { freshDatabase, query, testSchema } from './support/db.js';

const schema = testSchema();
let db: Awaited<ReturnType<typeof freshDatabase>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  db = await freshDatabase();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  await db.drop();
});

/** Run the CLI with `--json`; `error` is the JSON error document, if any. */
async function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = await cli([...args, '--json'], options);
  let json: any;
  try {
    json = result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { ...result, json, error: json?.error };
}

function migrate(dir: string, ...more: string[]) {
  return run(['migrate', '--url', db.url, '--schema', schema, '--dir', dir, ...more]);
}

/** What exists in the database besides the system catalogs: schemas and relations. */
async function snapshot(): Promise<{ schemas: string[]; relations: string[] }> {
  const schemas = await query<{ nspname: string }>(db.url, `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1`);
  const relations = await query<{ name: string }>(
    db.url,
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1`,
  );
  return { schemas: schemas.map((r) => r.nspname), relations: relations.map((r) => r.name) };
}

async function noLedgerAnywhere(): Promise<void> {
  const found = await query(db.url, `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'cutover_migrations'`);
  expect(found).toEqual([]);
}

/**
 * Bad input: exit 2, the error's code, a message naming `mentions`, a hint,
 * and the database exactly as it was (no ledger, no schema, no table).
 */
async function expectBadInput(files: Record<string, string | Uint8Array>, code: string, mentions: string[], extra: string[] = []) {
  const before = await snapshot();
  const dir = await migrationsDir(files);
  const result = await migrate(dir, ...extra);
  expect(result.code, result.stderr).toBe(2);
  expect(result.error.code).toBe(code);
  for (const text of mentions) {
    expect(result.error.message).toContain(text);
    expect(result.stderr).toContain(text);
  }
  expect(result.error.hint).toMatch(/\S/);
  expect(result.stderr).toContain(`error[${code}]`);
  expect(result.stderr).toContain('hint: ');
  expect(await snapshot()).toEqual(before);
  await noLedgerAnywhere();
  return result.error;
}

const ok = 'CREATE TABLE ok_table (id int);\n';

describe('bad migration files: exit 2, the file named, nothing touched', () => {
  it('a .sql file whose name does not match', async () => {
    const error = await expectBadInput({ '1_ok.sql': ok, 'add-users.sql': 'CREATE TABLE users ();\n' }, 'BAD_FILENAME', ['add-users.sql']);
    expect(error.file).toBe('add-users.sql');
  });

  it('duplicate versions (1_a.sql and 01_b.sql)', async () => {
    const error = await expectBadInput({ '1_a.sql': ok, '01_b.sql': 'CREATE TABLE b ();\n' }, 'DUPLICATE_VERSION', ['1_a.sql', '01_b.sql']);
    expect(error.version).toBe('1');
  });

  it('an .up.sql without its .down.sql', async () => {
    const error = await expectBadInput({ '1_users.up.sql': ok }, 'MISSING_DOWN', ['1_users.up.sql', '1_users.down.sql']);
    expect(error.file).toBe('1_users.up.sql');
  });

  it('a .down.sql without its .up.sql', async () => {
    const error = await expectBadInput({ '1_ok.sql': ok, '2_users.down.sql': 'DROP TABLE users;\n' }, 'MISSING_UP', ['2_users.down.sql', '2_users.up.sql']);
    expect(error.file).toBe('2_users.down.sql');
  });

  it('an empty file', async () => {
    const error = await expectBadInput({ '1_ok.sql': ok, '2_empty.sql': '' }, 'EMPTY_FILE', ['2_empty.sql']);
    expect(error.file).toBe('2_empty.sql');
  });

  it('a file holding only comments', async () => {
    await expectBadInput({ '1_ok.sql': ok, '2_todo.sql': '-- TODO: write this\n' }, 'EMPTY_FILE', ['2_todo.sql']);
  });

  it('a file that is not UTF-8 (latin1 bytes)', async () => {
    const latin1 = Buffer.from("INSERT INTO ok_table VALUES (1); -- café\n", 'latin1');
    expect(latin1.includes(0xe9)).toBe(true);
    const error = await expectBadInput({ '1_ok.sql': ok, '2_latin1.sql': latin1 }, 'NOT_UTF8', ['2_latin1.sql']);
    expect(error.file).toBe('2_latin1.sql');
  });

  it('a syntax error in the 3rd of 5 pending files: none runs, and the message shows file:line:column and a caret', async () => {
    const files = {
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE TABLE b (id int);\n',
      '3_c.sql': 'CREATE TABLE c (id int);\nCREAT TABLE d (id int);\n',
      '4_e.sql': 'CREATE TABLE e (id int);\n',
      '5_f.sql': 'CREATE TABLE f (id int);\n',
    };
    const error = await expectBadInput(files, 'SYNTAX_ERROR', ['3_c.sql:2:1', '  2 | CREAT TABLE d (id int);\n    | ^']);
    expect(error).toMatchObject({ file: '3_c.sql', line: 2, column: 1 });
  });

  it('an unknown cutover: directive, with "Did you mean"', async () => {
    const error = await expectBadInput({ '1_a.sql': '-- cutover:phse post\nCREATE TABLE a ();\n' }, 'UNKNOWN_DIRECTIVE', ['1_a.sql:1', 'cutover:phse', 'Did you mean "phase"']);
    expect(error).toMatchObject({ file: '1_a.sql', line: 1, directive: 'phse' });
  });

  it('a malformed duration in a directive', async () => {
    const error = await expectBadInput(
      { '1_a.sql': '-- a comment first\n-- cutover:lock-timeout 10 seconds\nCREATE TABLE a ();\n' },
      'BAD_DIRECTIVE',
      ['1_a.sql:2', '10 seconds'],
    );
    expect(error).toMatchObject({ file: '1_a.sql', line: 2, directive: 'lock-timeout' });
  });

  it('BEGIN/COMMIT inside a transactional migration', async () => {
    const error = await expectBadInput(
      { '1_ok.sql': ok, '2_tx.sql': 'BEGIN;\nCREATE TABLE a ();\nCOMMIT;\n' },
      'TRANSACTION_CONTROL',
      ['2_tx.sql:1:1', 'BEGIN'],
    );
    expect(error).toMatchObject({ file: '2_tx.sql', line: 1, column: 1 });
    // Both statements are reported, not only the first.
    expect(error.problems.map((p: any) => [p.code, p.line])).toEqual([['TRANSACTION_CONTROL', 1], ['TRANSACTION_CONTROL', 3]]);
  });

  it('CREATE INDEX CONCURRENTLY in a file without no-transaction', async () => {
    const error = await expectBadInput(
      { '1_ok.sql': ok, '2_index.sql': '-- the index for lookups\nCREATE INDEX CONCURRENTLY ok_table_id ON ok_table (id);\n' },
      'NEEDS_NO_TRANSACTION',
      ['2_index.sql:2:1', 'CREATE INDEX CONCURRENTLY'],
    );
    expect(error.hint).toContain('cutover:no-transaction');
    expect(error).toMatchObject({ file: '2_index.sql', line: 2 });
  });
});

describe('bad settings and usage: exit 2, the setting named, nothing touched', () => {
  it('a missing migrations directory', async () => {
    const before = await snapshot();
    const missing = join(tmpdir(), `cutover-no-such-dir-${process.pid}-${Date.now()}`);
    const result = await migrate(missing);
    expect(result.code).toBe(2);
    expect(result.error).toMatchObject({ code: 'DIR_MISSING', dir: missing });
    expect(result.error.message).toContain(missing);
    expect(result.error.hint).toMatch(/\S/);
    expect(result.stderr).toContain('hint: ');
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown flag, with "Did you mean"', async () => {
    const before = await snapshot();
    const dir = await migrationsDir({ '1_ok.sql': ok });
    const result = await cli(['migrate', '--url', db.url, '--schema', schema, '--dir', dir, '--phasee', 'pre']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'--phasee'");
    expect(result.stderr).toMatch(/Did you mean --phase\?/i);
    expect(result.stderr).toContain('hint: ');
    const global = await cli(['migrate', '--url', db.url, '--shema', schema, '--dir', dir]);
    expect(global.code).toBe(2);
    expect(global.stderr).toMatch(/Did you mean --schema\?/i);
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown key in cutover.config.json, with "did you mean"', async () => {
    const before = await snapshot();
    const cwd = await mkdtemp(join(tmpdir(), 'cutover-config-'));
    cleanups.push(() => rm(cwd, { recursive: true, force: true }));
    await mkdir(join(cwd, 'migrations'));
    await writeFile(join(cwd, 'migrations', '1_ok.sql'), ok);
    await writeFile(join(cwd, 'cutover.config.json'), JSON.stringify({ dir: 'migrations', shema: schema }));
    const result = await run(['migrate', '--url', db.url], { cwd });
    expect(result.code).toBe(2);
    expect(result.error).toMatchObject({ code: 'CONFIG', setting: 'shema', where: 'cutover.config.json' });
    expect(result.error.message).toContain('cutover.config.json');
    expect(result.error.message).toMatch(/did you mean "schema"/i);
    expect(result.stderr).toContain('hint: ');
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['not a URL', ['--url', 'not a url'], {}, '--url'],
    ['a bad port, with a password', ['--url', 'postgres://app:s3cret-pw@db.invalid:notaport/app'], {}, '--url'],
    ['another protocol', ['--url', 'mysql://app:s3cret-pw@localhost/app'], {}, '--url'],
    ['no scheme', ['--url', 'app:s3cret-pw@db.example:5432/app'], {}, '--url'],
    ['DATABASE_URL', [], { DATABASE_URL: 'postgres://app:s3cret-pw@db.invalid:notaport/app' }, 'DATABASE_URL'],
  ])('an invalid URL: %s', async (_, args, env, setting) => {
    const before = await snapshot();
    const dir = await migrationsDir({ '1_ok.sql': ok });
    const result = await run(['migrate', ...args, '--schema', schema, '--dir', dir], { env });
    expect(result.code).toBe(2);
    expect(result.error.code).toBe('INVALID_URL');
    expect(result.error.message).toContain(setting);
    expect(result.error.hint).toMatch(/\S/);
    expect(result.stderr).toContain('hint: ');
    expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
    expect(await snapshot()).toEqual(before);
  });
});

/** A URL for `db` as another role. */
function urlAs(user: string, password: string, port?: number): string {
  const url = new URL(db.url);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  if (port !== undefined) url.port = String(port);
  return url.toString();
}

async function createRole(prefix: string, password: string, attributes = ''): Promise<string> {
  const role = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await query(db.url, `CREATE ROLE ${ident(role)} LOGIN PASSWORD '${password}' ${attributes}`);
  // DROP OWNED BY first: a GRANT in this database would keep the role from being dropped.
  cleanups.push(async () => {
    await query(db.url, `DROP OWNED BY ${ident(role)}`);
    await query(db.url, `DROP ROLE ${ident(role)}`);
  });
  return role;
}

/** Try to log in; resolves to the SQLSTATE of the failure, or 'ok'. */
async function login(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    await client.connect();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Make the server require a password for `role` when it trusts everyone (the
 * shared dev server does; the embedded test server uses password auth and
 * needs nothing). pg_hba.conf cannot be changed with ALTER SYSTEM, but a
 * superuser can write the server's own file (lo_export) and reload it. Only
 * a line for this one role is added, first, and the file is put back after.
 * Returns why it could not, or undefined.
 */
async function requirePasswordFor(role: string, rightUrl: string, wrongUrl: string): Promise<string | undefined> {
  if ((await login(wrongUrl)) === '28P01') return undefined; // already enforced
  const [facts] = await query<{ rolsuper: boolean; hba: string }>(db.url, `SELECT rolsuper, current_setting('hba_file') AS hba FROM pg_roles WHERE rolname = current_user`);
  const { rolsuper, hba } = facts!;
  if (!rolsuper) return 'the server trusts every login and the test role is not a superuser, so pg_hba.conf cannot be changed';
  const [read] = await query<{ text: string }>(db.url, 'SELECT pg_read_file($1) AS text', [hba]);
  const original = read!.text;
  const write = async (text: string) => {
    const [lo] = await query<{ oid: number }>(db.url, `SELECT lo_from_bytea(0, convert_to($1, 'UTF8')) AS oid`, [text]);
    const oid = lo!.oid;
    try {
      await query(db.url, 'SELECT lo_export($1, $2)', [oid, hba]);
    } finally {
      await query(db.url, 'SELECT lo_unlink($1)', [oid]);
    }
    await query(db.url, 'SELECT pg_reload_conf()');
  };
  // md5 also accepts SCRAM verifiers; "all" addresses cover 127.0.0.1 and ::1.
  try {
    await write(`host all ${ident(role)} all md5\n${original}`);
  } catch (error) {
    return `the server trusts every login and its pg_hba.conf (${hba}) could not be rewritten: ${(error as Error).message}`;
  } finally {
    cleanups.push(() => write(original));
  }
  // The reload is asynchronous: wait until it has taken effect.
  for (let i = 0; i < 100; i++) {
    if ((await login(wrongUrl)) === '28P01' && (await login(rightUrl)) === 'ok') return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return 'pg_hba.conf was rewritten and reloaded, but the server still accepts a wrong password';
}

describe('run-time failures: exit 1, a clear message, never the password', () => {
  it('an unreachable host: host:port named', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const dir = await migrationsDir({ '1_ok.sql': ok });
    const url = `postgres://cutover:s3cret-pw@127.0.0.1:${port}/app`;
    const result = await run(['migrate', '--url', url, '--schema', schema, '--dir', dir]);
    expect(result.code).toBe(1);
    expect(result.error).toMatchObject({ code: 'CONNECTION', target: `postgres://cutover@127.0.0.1:${port}/app` });
    expect(result.error.message).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toContain('hint: ');
    expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
  });

  it('a wrong password', async () => {
    const role = await createRole('cutover_pw', 'right-pw');
    const rightUrl = urlAs(role, 'right-pw');
    const wrongUrl = urlAs(role, 'wr0ng-s3cret');
    // A server that cannot be made to check passwords fails this case rather than skipping it.
    expect(await requirePasswordFor(role, rightUrl, wrongUrl)).toBeUndefined();
    const dir = await migrationsDir({ '1_ok.sql': ok });
    const result = await run(['migrate', '--url', wrongUrl, '--schema', schema, '--dir', dir]);
    expect(result.code).toBe(1);
    expect(result.error).toMatchObject({ code: 'AUTHENTICATION', sqlstate: '28P01' });
    expect(result.error.message).toContain(role);
    expect(result.error.hint).toMatch(/password/);
    expect(result.stdout + result.stderr).not.toContain('wr0ng-s3cret');
    expect(result.stdout + result.stderr).not.toContain(encodeURIComponent('wr0ng-s3cret'));
    await noLedgerAnywhere();
  });

  it('an override by a role that may write the audit rows but not CREATE in the schema: recorded once the table exists; before, PERMISSION with the GRANT', async () => {
    const target = `audit grants ${Math.random().toString(36).slice(2, 8)}`;
    const role = await createRole('cutover_auditor', 'aud1t-pw');
    const dir = await migrationsDir({ '1_ok.sql': ok });
    expect((await run(['migrate', '--url', db.url, '--schema', target, '--dir', dir])).code).toBe(0);
    // The role runs overrides only: it may use the schema and write the ledger and the audit rows, not create tables.
    await query(db.url, `GRANT USAGE ON SCHEMA ${ident(target)} TO ${ident(role)}`);
    await query(db.url, `GRANT SELECT, UPDATE ON ${ident(target)}.cutover_migrations TO ${ident(role)}`);
    await writeFile(join(dir, '1_ok.sql'), `${ok}-- edited\n`);

    const first = await run(['resolve', '1', '--checksum', '--reason', 'comment only', '--url', urlAs(role, 'aud1t-pw'), '--schema', target, '--dir', dir]);
    expect(first.code, first.stderr).toBe(1);
    expect(first.error).toMatchObject({ code: 'PERMISSION', schema: target, sqlstate: '42501' });
    expect(first.error.hint).toContain(`GRANT CREATE ON SCHEMA ${ident(target)}`);
    expect(first.stdout + first.stderr).not.toContain('aud1t-pw');

    // Its owner records one override; from then on the role's overrides are recorded too.
    expect((await run(['resolve', '1', '--checksum', '--reason', 'by the owner', '--url', db.url, '--schema', target, '--dir', dir])).code).toBe(0);
    await query(db.url, `GRANT INSERT ON ${ident(target)}.cutover_audit TO ${ident(role)}`);
    await query(db.url, `GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${ident(target)} TO ${ident(role)}`);
    await writeFile(join(dir, '1_ok.sql'), `${ok}-- edited twice\n`);
    const second = await run(['resolve', '1', '--checksum', '--reason', 'by the role', '--url', urlAs(role, 'aud1t-pw'), '--schema', target, '--dir', dir]);
    expect(second.code, second.stderr).toBe(0);
    expect(await query(db.url, `SELECT reason FROM ${ident(target)}.cutover_audit ORDER BY id`)).toEqual([{ reason: 'by the owner' }, { reason: 'by the role' }]);
    await query(db.url, `DROP SCHEMA ${ident(target)} CASCADE`);
  });

  it.each([
    // A schema it would have to create: in a fresh database "public" exists, so use a new name then.
    ['a new schema, without CREATE on the database', 'new', schema === 'public' ? 'cutover new schema' : schema, 'GRANT CREATE ON DATABASE'],
    // An admin created the schema and granted nothing.
    ['an existing schema, without USAGE on it', 'no usage', schema === 'public' ? 'cutover private schema' : schema, 'GRANT USAGE'],
    // USAGE but not CREATE (public since PG 15; revoked explicitly for older servers).
    ['an existing schema, without CREATE on it', 'no create', schema, 'GRANT CREATE ON SCHEMA'],
  ])('a role that may not create the ledger: %s → PERMISSION, with a GRANT hint', async (_, setup, target, grant) => {
    const role = await createRole('cutover_nocreate', 'n0-create-pw', 'NOCREATEDB NOSUPERUSER');
    if (setup !== 'new') {
      await query(db.url, `CREATE SCHEMA IF NOT EXISTS ${ident(target)}`);
      await query(db.url, `REVOKE ALL ON SCHEMA ${ident(target)} FROM PUBLIC`);
      if (setup === 'no create') await query(db.url, `GRANT USAGE ON SCHEMA ${ident(target)} TO ${ident(role)}`);
    }
    const schemasBefore = (await snapshot()).schemas;
    const dir = await migrationsDir({ '1_ok.sql': ok });
    const result = await run(['migrate', '--url', urlAs(role, 'n0-create-pw'), '--schema', target, '--dir', dir]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.error).toMatchObject({ code: 'PERMISSION', schema: target, sqlstate: '42501' });
    expect(result.error.message).toContain(ident(target));
    expect(result.error.hint).toContain(grant);
    expect(result.stderr).toContain(grant);
    expect(result.stdout + result.stderr).not.toContain('n0-create-pw');
    await noLedgerAnywhere();
    expect((await snapshot()).schemas).toEqual(schemasBefore);
    expect((await snapshot()).relations).toEqual([]);
  });

  it('a schema name with quotes, spaces and ";" simply works, quoted: the tables land in it', async () => {
    const hostile = `we"ird\\ sch'ema; DROP SCHEMA public CASCADE; --`; // quotes, a backslash, spaces, ;
    const dir = await migrationsDir({ '1_notes.sql': 'CREATE TABLE notes (id int);\n', '2_tags.sql': 'CREATE TABLE tags (id int);\n' });
    const result = await run(['migrate', '--url', db.url, '--schema', hostile, '--dir', dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.applied.map((s: any) => s.migration.version)).toEqual(['1', '2']);
    const tables = await query<{ relname: string }>(db.url, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1`, [hostile]);
    expect(tables.map((r) => r.relname)).toEqual(['cutover_migrations', 'notes', 'tags']);
    const ledger = await query<{ version: string }>(db.url, `SELECT version FROM ${ident(hostile)}.cutover_migrations ORDER BY version`);
    expect(ledger.map((r) => r.version)).toEqual(['1', '2']);
    expect(await query(db.url, `SELECT 1 FROM pg_namespace WHERE nspname = 'public'`)).toHaveLength(1);
    // Nothing landed anywhere else.
    const elsewhere = await query(db.url, `SELECT relname FROM pg_class WHERE relname IN ('notes', 'tags') AND relnamespace <> (SELECT oid FROM pg_namespace WHERE nspname = $1)`, [hostile]);
    expect(elsewhere).toEqual([]);
    // And a second run is a no-op: the ledger is found under the same quoted name.
    const again = await run(['migrate', '--url', db.url, '--schema', hostile, '--dir', dir]);
    expect(again.code).toBe(0);
    expect(again.json.applied).toEqual([]);
  });
});
