/**
 * The lint gate (issue 17.4): error findings in pending files stop `migrate`
 * (CLI and library alike) before anything runs, judged with the live catalog
 * — a long history onto an empty database is never stopped by lock findings;
 * lint-ignore lines and --lint warn let findings through, on the record; a
 * lint-ignore line is not an edit; a baseline and `--changed` let an existing
 * repository adopt lint.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { migrate, plan, CutoverError, lintMigrations } from '../../src/index.js';
import { checksum } from '../../src/migrations/checksum.js';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir } from '../support/cli.js';
import { freshDatabase, query, testSchema } from '../support/db.js';

const schema = testSchema();
const t = (name: string) => `${ident(schema)}.${ident(name)}`;

async function database() {
  const db = await freshDatabase();
  onTestFinished(db.drop);
  return db;
}

/** A 50-file history: ten tables, each created, seeded, indexed, retyped and constrained. */
function longHistory(): Record<string, string> {
  const files: Record<string, string> = {};
  let version = 0;
  const add = (name: string, sql: string) => (files[`${String(++version).padStart(3, '0')}_${name}.sql`] = sql);
  for (let i = 1; i <= 10; i++) {
    add(`create_t${i}`, `CREATE TABLE t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(50), n int);\n`);
    add(`seed_t${i}`, `INSERT INTO t${i} (name, n) SELECT 'x' || g, g FROM generate_series(1, 100) g;\n`);
    add(`index_t${i}`, `CREATE INDEX t${i}_name ON t${i} (name);\nCREATE UNIQUE INDEX t${i}_n ON t${i} (n);\n`);
    add(`retype_t${i}`, `ALTER TABLE t${i} ALTER COLUMN n TYPE bigint;\nALTER TABLE t${i} ALTER COLUMN name TYPE varchar(20);\n`);
    add(`constrain_t${i}`, `ALTER TABLE t${i} ADD COLUMN active boolean NOT NULL DEFAULT true, ADD COLUMN token uuid DEFAULT gen_random_uuid();\n`
      + `ALTER TABLE t${i} ALTER COLUMN name SET NOT NULL;\nALTER TABLE t${i} ADD CONSTRAINT t${i}_n_positive CHECK (n > 0);\n`
      + (i > 1 ? `ALTER TABLE t${i} ADD COLUMN parent_id bigint REFERENCES t1 (id);\n` : ''));
  }
  return files;
}

const args = (url: string, dir: string, ...more: string[]) => ['migrate', '--url', url, '--schema', schema, '--dir', dir, '--json', ...more];

describe('the lint gate', () => {
  it('a 50-file history that indexes and retypes the tables it creates applies on an empty database with the gate on', async () => {
    const db = await database();
    const dir = await migrationsDir(longHistory());
    // Offline, file by file, the same history is full of error findings: the gate's live judgement is what lets it through.
    const offline = await cli(['lint', '--dir', dir, '--json']);
    expect(offline.code).toBe(3);
    expect(new Set(JSON.parse(offline.stdout).findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { rule: string }) => f.rule)))
      .toEqual(new Set(['require-concurrent-index-creation', 'changing-column-type', 'setting-not-null', 'adding-field-with-volatile-default', 'constraint-missing-not-valid']));

    const run = await cli(args(db.url, dir));
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.applied).toHaveLength(50);
    expect(report.lintGate).toEqual({ mode: 'error', letThrough: 0 });
    expect(report.lint.counts.error).toBe(0);
  });

  it('the same index build on a populated table is stopped before anything runs (exit 3), CLI and library alike', async () => {
    const db = await database();
    const first = await migrationsDir({ '1_users.sql': 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n' });
    expect((await cli(args(db.url, first))).code).toBe(0);
    await query(db.url, `INSERT INTO ${t('users')} (email) SELECT 'u' || g FROM generate_series(1, 20000) g; ANALYZE ${t('users')}`);
    const dir = await migrationsDir({
      '1_users.sql': 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n',
      '2_plans.sql': 'CREATE TABLE plans (id int PRIMARY KEY);\n',
      '3_index.sql': 'SELECT 1;\nCREATE INDEX users_email ON users (email);\n',
    });

    const refused = await cli(args(db.url, dir));
    expect(refused.code).toBe(3);
    const error = JSON.parse(refused.stdout).error;
    expect(error.code).toBe('LINT_FAILED');
    expect(error.findings).toEqual([expect.objectContaining({ rule: 'require-concurrent-index-creation', file: '3_index.sql', line: 2, column: 14 })]);
    expect(error.report.applied).toEqual([]);
    const [state] = await query<{ plans: string | null; n: number }>(db.url, `SELECT to_regclass($1) AS plans, (SELECT count(*)::int FROM ${t('cutover_migrations')}) AS n`, [`${ident(schema)}.plans`]);
    expect(state).toEqual({ plans: null, n: 1 }); // not even the file before it ran

    // The library: the same rule, the same error, with its partial report.
    const caught = await migrate({ url: db.url, schema, dir }).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(CutoverError);
    expect((caught as CutoverError).code).toBe('LINT_FAILED');
    expect((caught as CutoverError).report?.applied).toEqual([]);
    // plan says what the gate finds, and runs nothing.
    const dry = await plan({ url: db.url, schema, dir });
    expect(dry.lint?.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['require-concurrent-index-creation']);
    expect(dry.lintGate).toEqual({ mode: 'error', letThrough: 0 });

    // A bigger small-table threshold: the table counts as small, nothing is stopped.
    const small = await migrate({ url: db.url, schema, dir, lintSmallTable: 100_000, to: '2' });
    expect(small.applied.map((s) => s.migration.version)).toEqual(['2']);
  });

  it('lets findings through on the record: a lint-ignore line (suppressed, with its reason), or --lint warn / lint: "warn"', async () => {
    const db = await database();
    const users = 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, plan text);\n';
    expect((await cli(args(db.url, await migrationsDir({ '1_users.sql': users })))).code).toBe(0);
    await query(db.url, `INSERT INTO ${t('users')} (email) SELECT 'u' || g FROM generate_series(1, 20000) g; ANALYZE ${t('users')}`);

    const ignored = await migrationsDir({
      '1_users.sql': users,
      '2_index.sql': '-- cutover:lint-ignore require-concurrent-index-creation built in the maintenance window\nCREATE INDEX users_email ON users (email);\n',
    });
    const run = await cli(args(db.url, ignored));
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.lint.suppressed).toEqual([expect.objectContaining({ rule: 'require-concurrent-index-creation', file: '2_index.sql', reason: 'built in the maintenance window' })]);
    expect(run.stderr).toContain('ignored[require-concurrent-index-creation] 2_index.sql:2:14: lint-ignore: built in the maintenance window');

    const warned = await migrationsDir({ '1_users.sql': users, '2_index.sql': (await readFile(join(ignored, '2_index.sql'), 'utf8')), '3_plan.sql': 'CREATE INDEX users_plan ON users (plan);\n' });
    await expect(migrate({ url: db.url, schema, dir: warned })).rejects.toMatchObject({ code: 'LINT_FAILED' });
    const library = await migrate({ url: db.url, schema, dir: warned, lint: 'warn' });
    expect(library.applied.map((s) => s.migration.version)).toEqual(['3']);
    expect(library.lintGate).toEqual({ mode: 'warn', letThrough: 1 });
    expect(library.lint?.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['require-concurrent-index-creation']);
  });
});

describe('adopting lint in an existing repository', () => {
  it('adding or removing a lint-ignore line is not an edit; ledgers that recorded the whole file still match', async () => {
    const db = await database();
    const before = 'CREATE TABLE users (id int PRIMARY KEY, name varchar(40));\n';
    const dir = await migrationsDir({ '1_users.sql': before });
    expect((await cli(args(db.url, dir))).code).toBe(0);
    const withIgnore = `-- cutover:lint-ignore prefer-text legacy column, kept as it is\n${before}`;
    await writeFile(join(dir, '1_users.sql'), withIgnore);
    const status = await cli(['status', '--url', db.url, '--schema', schema, '--dir', dir, '--check', '--json']);
    expect(status.code, status.stdout).toBe(0);
    expect((await cli(args(db.url, dir))).code).toBe(0);

    // A ledger written before this rule holds the whole file's checksum (ignore line included): still accepted,
    // and re-recorded as the checksum of what runs, so removing the line later is no edit either.
    await query(db.url, `UPDATE ${t('cutover_migrations')} SET checksum = $1`, [checksum(withIgnore)]);
    expect((await cli(args(db.url, dir))).code).toBe(0);
    const [row] = await query<{ checksum: string }>(db.url, `SELECT checksum FROM ${t('cutover_migrations')}`);
    expect(row!.checksum).toBe(checksum(before));
    await writeFile(join(dir, '1_users.sql'), before);
    expect((await cli(args(db.url, dir))).code).toBe(0);

    // A real edit still is one.
    await writeFile(join(dir, '1_users.sql'), before.replace('40', '80'));
    const edited = await cli(args(db.url, dir));
    expect(edited.code).toBe(1);
    expect(JSON.parse(edited.stdout).error.code).toBe('CHECKSUM_MISMATCH');
  });

  it('a baseline in the config (lintSince) and `lint --changed <ref>` judge only the new files', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'cutover-adopt-lint-'));
    const dir = join(repo, 'migrations');
    await mkdir(dir);
    await writeFile(join(dir, '1_users.sql'), 'CREATE TABLE users (id int PRIMARY KEY, email text);\n');
    await writeFile(join(dir, '2_old_index.sql'), 'CREATE INDEX users_email ON users (email);\n');
    const git = (...argv: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...argv], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'history');
    expect((await cli(['lint'], { cwd: repo })).code).toBe(3); // the old file is judged

    await writeFile(join(repo, 'cutover.config.json'), JSON.stringify({ lintSince: '2' }));
    expect((await cli(['lint'], { cwd: repo })).code).toBe(0);
    expect((await lintMigrations({ dir, since: '2' })).counts.error).toBe(0);
    await writeFile(join(dir, '3_new_index.sql'), 'CREATE INDEX users_id_email ON users (id, email);\n');
    const since = await cli(['lint', '--json'], { cwd: repo });
    expect(since.code).toBe(3);
    expect(JSON.parse(since.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['3_new_index.sql']);

    await writeFile(join(repo, 'cutover.config.json'), '{}');
    const changed = await cli(['lint', '--changed', 'HEAD', '--json'], { cwd: repo });
    expect(changed.code).toBe(3);
    expect(JSON.parse(changed.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['3_new_index.sql']);
    git('add', '.');
    git('commit', '-qm', 'new');
    expect((await cli(['lint', '--changed', 'HEAD'], { cwd: repo })).code).toBe(0);
    const badRef = await cli(['lint', '--changed', 'no-such-ref', '--json'], { cwd: repo });
    expect(badRef.code).toBe(2);
    expect(JSON.parse(badRef.stdout).error.code).toBe('USAGE');
    expect(await readFile(join(dir, '1_users.sql'), 'utf8')).toContain('users');
  });
});
