/**
 * `cutover lint`, and the linter inside `plan` and `migrate`: exit codes,
 * output formats, the live catalog (--url), --lint=error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, migrationsDir, spawnCli } from '../support/cli.js';
import { freshDatabase, query, testSchema, type TestDatabase } from '../support/db.js';

const schema = testSchema();
let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const unsafe = {
  '1_users.sql': 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, plan text);\n',
  '2_index.sql': 'CREATE INDEX users_email ON users (email);\n',
};

describe('cutover lint', () => {
  it('offline: findings, exit 3; never starts a database', async () => {
    const dir = await migrationsDir(unsafe);
    const result = await cli(['lint', '--dir', dir]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('error[require-concurrent-index-creation]');
    expect(result.stdout).toContain('--> 2_index.sql:1:14');
    expect(result.stderr).not.toContain('embedded');
  });

  it('the real bin parses in its own process (Liftoff) and reports exactly what the child-process parse reports', async () => {
    // cli() runs main() inside the test process, which never opts in: its parse goes to a child.
    const dir = await migrationsDir({
      ...unsafe,
      '3_more.sql': "-- a comment, then two statements\nALTER TABLE users ADD COLUMN plan_id int;\nUPDATE users SET plan = 'free';\n",
    });
    const [spawned, inProcess] = await Promise.all([spawnCli(['lint', '--dir', dir, '--json']).done, cli(['lint', '--dir', dir, '--json'])]);
    expect(spawned.code).toBe(3);
    expect(JSON.parse(spawned.stdout)).toEqual(JSON.parse(inProcess.stdout));

    const broken = await migrationsDir({ ...unsafe, '3_broken.sql': 'CREATE TABLE ok (id int);\nALTER TABLE users ADD COLUMN;\n' });
    const [spawnedError, inProcessError] = await Promise.all([spawnCli(['lint', '--dir', broken]).done, cli(['lint', '--dir', broken])]);
    expect(spawnedError.code).toBe(2);
    expect(spawnedError.stderr).toContain('3_broken.sql:2:');
    expect(spawnedError.stderr).toBe(inProcessError.stderr);
  });

  it('exit 0 without error findings; --lint-rules turns a rule off; paths instead of the directory', async () => {
    const dir = await migrationsDir(unsafe);
    expect((await cli(['lint', '--dir', dir, '--lint-rules', 'require-concurrent-index-creation=warning'])).code).toBe(0);
    expect((await cli(['lint', `${dir}/1_users.sql`])).code).toBe(0);
  });

  it('--json, --output github and sarif', async () => {
    const dir = await migrationsDir(unsafe);
    const json = await cli(['lint', '--dir', dir, '--json']);
    expect(JSON.parse(json.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual(['require-concurrent-index-creation']);
    const github = await cli(['lint', '--dir', dir, '--output', 'github']);
    expect(github.stdout).toMatch(/^::error file=.*2_index\.sql,line=1,col=14,title=require-concurrent-index-creation::/m);
    const sarif = await cli(['lint', '--dir', dir, '--output', 'sarif']);
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(1);
  });

  it('unknown rule ids in the config are bad input (exit 2) with "did you mean"', async () => {
    const dir = await migrationsDir(unsafe);
    const result = await cli(['lint', '--dir', dir, '--lint-rules', 'prefer-txt=off']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error[UNKNOWN_RULE]');
    expect(result.stderr).toContain('Did you mean "prefer-text"?');
  });

  it('--url: the live catalog — small tables get no lock findings, big ones do; a validated CHECK makes SET NOT NULL silent', async () => {
    const dir = await migrationsDir({ '1_users.sql': unsafe['1_users.sql'] });
    expect((await cli(['migrate', '--url', db.url, '--schema', schema, '--dir', dir])).code).toBe(0);
    const s = `"${schema}"`;
    await query(db.url, `INSERT INTO ${s}.users (email) SELECT 'u' || g FROM generate_series(1, 200) g; ANALYZE ${s}.users;
      ALTER TABLE ${s}.users ADD CONSTRAINT users_plan_nn CHECK (plan IS NOT NULL) NOT VALID`);
    const later = await migrationsDir({ ...unsafe, '3_plan.sql': '-- cutover:phase post\nALTER TABLE users ALTER COLUMN plan SET NOT NULL;\n' });
    const lint = (extra: string[]) => cli(['lint', '--url', db.url, '--schema', schema, '--dir', later, '--json', ...extra]);
    // 200 rows: small by default (10000); with a threshold of 100 it is not.
    const small = JSON.parse((await lint([])).stdout);
    expect(small.live).toBe(true);
    expect(small.findings.map((f: { rule: string }) => f.rule)).toEqual([]);
    const big = JSON.parse((await lint(['--lint-small-table', '100'])).stdout);
    expect(big.findings.map((f: { rule: string }) => f.rule)).toEqual(['require-concurrent-index-creation', 'setting-not-null']);
    expect(big.findings[0].message).toContain('("users": ~200 rows, <1 MB; reading or rewriting it takes ~1 s');
    await query(db.url, `UPDATE ${s}.users SET plan = 'free'; ALTER TABLE ${s}.users VALIDATE CONSTRAINT users_plan_nn`);
    const validated = JSON.parse((await lint(['--lint-small-table', '100'])).stdout);
    expect(validated.findings.map((f: { rule: string }) => f.rule)).toEqual(['require-concurrent-index-creation']);
    expect(validated.files[2].statements[0].locks).toEqual([{ relation: 'users', mode: 'AccessExclusive', role: 'target', action: 'set-not-null-checked' }]);
  });

  it('--url: a never-analyzed table (reltuples -1) is judged by its size on disk — empty is small, 50,000 rows is not', async () => {
    const fresh = await freshDatabase();
    try {
      expect((await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', await migrationsDir({ '1_users.sql': unsafe['1_users.sql'] })])).code).toBe(0);
      const dir = await migrationsDir(unsafe);
      const lint = async () => JSON.parse((await cli(['lint', '--url', fresh.url, '--schema', schema, '--dir', dir, '--json'])).stdout);
      // Created by an applied migration, never analyzed, no rows: no lock finding blocks the next deploy.
      expect((await lint()).findings).toEqual([]);
      // Autovacuum off: its ANALYZE must not settle reltuples meanwhile.
      await query(fresh.url, `ALTER TABLE "${schema}".users SET (autovacuum_enabled = false); INSERT INTO "${schema}".users (email) SELECT 'u' || g FROM generate_series(1, 50000) g`);
      const [stats] = await query<{ reltuples: number }>(fresh.url, `SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = $1::regclass`, [`"${schema}".users`]);
      expect(stats!.reltuples).toBeLessThanOrEqual(0); // still never analyzed
      expect((await lint()).findings.map((f: { rule: string }) => f.rule)).toEqual(['require-concurrent-index-creation']);
    } finally {
      await fresh.drop();
    }
  });
});

describe('plan and migrate lint pending files', () => {
  it('plan shows the lock each statement takes and the findings; migrate --lint=error refuses (exit 3, nothing run)', async () => {
    const fresh = await freshDatabase();
    try {
      const dir = await migrationsDir({ ...unsafe, '3_rewrite.sql': 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();\n' });
      const first = await migrationsDir({ '1_users.sql': unsafe['1_users.sql'] });
      expect((await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', first])).code).toBe(0);
      await query(fresh.url, `INSERT INTO "${schema}".users (email) SELECT 'u' || g FROM generate_series(1, 20000) g; ANALYZE "${schema}".users`);

      const plan = await cli(['plan', '--url', fresh.url, '--schema', schema, '--dir', dir]);
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain('line 1: locks SHARE on "users"');
      expect(plan.stdout).toContain('line 1: locks ACCESS EXCLUSIVE on "users"; rewrites users');
      expect(plan.stdout).toContain('error[require-concurrent-index-creation] 2_index.sql:1:14');

      const refused = await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', dir, '--lint', 'error', '--json']);
      expect(refused.code).toBe(3);
      const body = JSON.parse(refused.stdout);
      expect(body.error.code).toBe('LINT_FAILED');
      expect(body.error.findings.map((f: { rule: string }) => f.rule)).toEqual(['require-concurrent-index-creation', 'adding-field-with-volatile-default']);
      const [row] = await query<{ n: number }>(fresh.url, `SELECT count(*)::int AS n FROM "${schema}".cutover_migrations`);
      expect(row!.n).toBe(1);

      // The gate is on by default: the same refusal without --lint.
      expect((await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', dir])).code).toBe(3);
      const warned = await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', dir, '--lint', 'warn']);
      expect(warned.code).toBe(0);
      expect(warned.stderr).toContain('lint: 2 error(s)');
      expect(warned.stderr).toContain('--lint warn let 2 error finding(s) through');
    } finally {
      await fresh.drop();
    }
  });

  it('migrate --lint=warn: the findings and locks are in the report; a bad lint-ignore stops it before anything runs (exit 2)', async () => {
    const fresh = await freshDatabase();
    try {
      const bad = await migrationsDir({ ...unsafe, '2_index.sql': 'SELECT 1;\n-- cutover:lint-ignore require-concurent-index-creation tiny\nCREATE INDEX users_email ON users (email);\n' });
      const refused = await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', bad, '--json']);
      expect(refused.code).toBe(2);
      expect(JSON.parse(refused.stdout).error.code).toBe('UNKNOWN_RULE');
      // Nothing ran, not even the ledger's creation.
      const [none] = await query<{ ledger: string | null; users: string | null }>(fresh.url, 'SELECT to_regclass($1) AS ledger, to_regclass($2) AS users', [`"${schema}".cutover_migrations`, `"${schema}".users`]);
      expect(none).toEqual({ ledger: null, users: null });

      // A table with rows (the live catalog says so) gets an index without CONCURRENTLY.
      expect((await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', await migrationsDir({ '1_users.sql': unsafe['1_users.sql'] })])).code).toBe(0);
      await query(fresh.url, `INSERT INTO "${schema}".users (email) SELECT 'u' || g FROM generate_series(1, 20000) g; ANALYZE "${schema}".users`);
      const run = await cli(['migrate', '--url', fresh.url, '--schema', schema, '--dir', await migrationsDir(unsafe), '--json', '--lint', 'warn']);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.applied.map((a: { migration: { version: string } }) => a.migration.version)).toEqual(['2']);
      expect(report.lint.findings.map((f: { rule: string }) => f.rule)).toEqual(['require-concurrent-index-creation']);
      expect(report.lintGate).toEqual({ mode: 'warn', letThrough: 1 });
      expect(report.planned[0].statements[0].locks).toEqual([expect.objectContaining({ relation: 'users', mode: 'Share' })]);
    } finally {
      await fresh.drop();
    }
  });
});
