import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseDirectives } from '../../src/migrations/directives.js';
import { lintScripts, type LintOptions } from '../../src/lint/index.js';
import { RULE_IDS } from '../../src/lint/registry.js';
import { renderLint } from '../../src/lint/render/index.js';
import { CutoverError } from '../../src/errors.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);

function script(sql: string, file = '0001_test.sql') {
  const { directives, problems } = parseDirectives(sql, file);
  if (problems.length) throw problems[0];
  return { file, sql, ...directives };
}

async function lint(sql: string | string[], options: LintOptions = {}) {
  const files = Array.isArray(sql) ? sql : [sql];
  return lintScripts(files.map((s, i) => script(s, `000${i + 1}_test.sql`)), options);
}

const rulesOf = async (sql: string | string[], options?: LintOptions) => (await lint(sql, options)).findings.map((f) => f.rule);

describe('every rule has ok and error fixtures', () => {
  it('a fixture directory per rule, and a rule per directory', async () => {
    expect((await readdir(FIXTURES)).sort()).toEqual([...RULE_IDS].sort());
  });

  it.each([...RULE_IDS])('%s', async (rule) => {
    const ok = await readFile(new URL(`${rule}/ok.sql`, FIXTURES), 'utf8');
    const error = await readFile(new URL(`${rule}/error.sql`, FIXTURES), 'utf8');
    expect(await rulesOf(error)).toContain(rule);
    expect(await rulesOf(ok)).not.toContain(rule);
  });
});

describe('phases', () => {
  it('contract steps are errors in pre and fine in post', async () => {
    const body = 'ALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users RENAME COLUMN a TO b;\nALTER TABLE users ALTER COLUMN plan DROP DEFAULT;';
    const pre = await lint(body);
    expect(pre.findings.map((f) => [f.rule, f.severity])).toEqual([['ban-drop-column', 'error'], ['renaming-column', 'error'], ['dropping-default', 'error']]);
    expect(pre.findings[0]!.message).toContain('belongs in a post-deploy migration');
    expect(pre.findings[0]!.help).toContain('-- cutover:phase post');
    expect((await lint(`-- cutover:phase post\n${body}`)).findings).toEqual([]);
  });

  it('changes to a table created in the same file are not contract steps', async () => {
    expect(await rulesOf('CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;\nALTER TABLE t RENAME COLUMN a TO c;\nCREATE INDEX t_c ON t (c);')).toEqual([]);
  });
});

describe('no false positives', () => {
  it('binary-coercible type changes do not rewrite (type known from an earlier file)', async () => {
    const create = 'CREATE TABLE t (name varchar(10), n numeric(10, 2));';
    const off = { rules: { 'prefer-text': 'off' } } as const;
    expect(await rulesOf([create, '-- cutover:phase post\nALTER TABLE t ALTER COLUMN name TYPE text;\nALTER TABLE t ALTER COLUMN n TYPE numeric(12, 2);'], off)).toEqual([]);
    expect(await rulesOf([create, '-- cutover:phase post\nALTER TABLE t ALTER COLUMN name TYPE varchar(5);'], off)).toEqual(['changing-column-type']);
  });

  it('an unknown old type offline is a warning, not an error', async () => {
    const { findings } = await lint('-- cutover:phase post\nALTER TABLE users ALTER COLUMN name TYPE text;');
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['changing-column-type', 'warning']]);
  });

  it('no NOT VALID advice for UNIQUE or PRIMARY KEY: the recipe is an index built concurrently', async () => {
    const { findings } = await lint('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);');
    expect(findings.map((f) => f.rule)).toEqual(['adding-unique-constraint']);
    expect(findings[0]!.help).toContain('NOT VALID does not exist for UNIQUE');
    expect(findings[0]!.help).toContain('USING INDEX');
  });

  it('a constant default does not rewrite; now() is stable', async () => {
    expect(await rulesOf("ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 0, ADD COLUMN b timestamptz DEFAULT now(), ADD COLUMN c text DEFAULT 'x';")).toEqual([]);
  });
});

describe('suppression and config', () => {
  const unsafe = 'CREATE INDEX users_email_idx ON users (email);';

  it('a file-level lint-ignore with a reason', async () => {
    expect(await rulesOf(`-- cutover:lint-ignore require-concurrent-index-creation users has 12 rows\n${unsafe}`)).toEqual([]);
  });

  it('a statement-level lint-ignore applies to the next statement only', async () => {
    const sql = `SELECT 1;\n-- cutover:lint-ignore require-concurrent-index-creation tiny table\n${unsafe}\nCREATE INDEX users_name_idx ON users (name);`;
    const { findings } = await lint(sql);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['require-concurrent-index-creation', 4]]);
  });

  it('a lint-ignore needs a reason, and known rule ids (with did you mean)', async () => {
    const noReason = await lint(`SELECT 1;\n-- cutover:lint-ignore require-concurrent-index-creation\n${unsafe}`).catch((e: CutoverError) => e);
    expect(noReason).toMatchObject({ code: 'BAD_DIRECTIVE', details: { line: 2 } });
    const typo = await lint(`SELECT 1;\n-- cutover:lint-ignore require-concurent-index-creation safe\n${unsafe}`).catch((e: CutoverError) => e);
    expect(typo).toMatchObject({ code: 'UNKNOWN_RULE' });
    expect((typo as Error).message).toContain('Did you mean "require-concurrent-index-creation"');
    expect(() => parseDirectives('-- cutover:lint-ignore prefer-text\nSELECT 1;', 'x.sql').problems[0]!.code).not.toThrow();
  });

  it('config: a rule off, or another severity; unknown ids are errors', async () => {
    expect(await rulesOf(unsafe, { rules: { 'require-concurrent-index-creation': 'off' } })).toEqual([]);
    const { findings, counts } = await lint(unsafe, { rules: { 'require-concurrent-index-creation': 'warning' } });
    expect(findings[0]!.severity).toBe('warning');
    expect(counts).toEqual({ error: 0, warning: 1, info: 0 });
    await expect(lint(unsafe, { rules: { 'prefer-txt': 'off' } })).rejects.toMatchObject({ code: 'UNKNOWN_RULE' });
  });
});

describe('facts the rules use', () => {
  it('records each statement\'s locks, rewrites and scans', async () => {
    const report = await lint('ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE users SET LOGGED;');
    const [first, second] = report.files[0]!.statements;
    expect(first!.locks.map((l) => [l.relation, l.mode])).toEqual([['orders', 'ShareRowExclusive'], ['users', 'ShareRowExclusive']]);
    expect(first!.scans).toEqual(['orders', 'users']);
    expect(second!.rewrites).toEqual(['users']);
  });

  it('the target version: DETACH … CONCURRENTLY does not exist before 14', async () => {
    const sql = '-- cutover:no-transaction\nALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;';
    expect((await lint(sql, { pgVersion: 13 })).files[0]!.statements[0]!.locks).toEqual([]);
    expect((await lint(sql, { pgVersion: 15 })).files[0]!.statements[0]!.locks.map((l) => l.mode)).toEqual(['AccessExclusive', 'ShareUpdateExclusive']);
  });
});

describe('finding positions', () => {
  it('point at the column the finding is about, on its own line of a multi-line statement', async () => {
    const report = await lint('CREATE TABLE t (id int, email text);\nSELECT 1;\nALTER TABLE users\n  ALTER COLUMN  "email" TYPE int;', { catalog: undefined });
    const finding = report.findings.find((f) => f.rule === 'changing-column-type')!;
    expect([finding.line, finding.column]).toEqual([4, 17]);
  });
});

describe('renderers', () => {
  it('pretty, json, github and sarif', async () => {
    const report = await lint('SELECT 1;\nCREATE INDEX users_email_idx ON users (email);');
    const pretty = renderLint(report, 'pretty');
    expect(pretty).toContain('error[require-concurrent-index-creation]');
    // At the token (the index's name), not at 1:1 of the statement.
    expect(pretty).toContain('--> 0001_test.sql:2:14');
    expect(pretty).toContain('  2 | CREATE INDEX users_email_idx ON users (email);\n    |              ^ takes SHARE on "users"');
    expect(pretty).toContain('docs: https://github.com/cutover-dev/cutover/blob/main/docs/rules/require-concurrent-index-creation.md');
    expect(pretty).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)');
    expect(JSON.parse(renderLint(report, 'json')).counts).toEqual({ error: 1, warning: 0, info: 0 });
    expect(renderLint(report, 'github', { base: 'migrations/' })).toMatch(/^::error file=migrations\/0001_test.sql,line=2,col=14,title=require-concurrent-index-creation::/);
    const sarif = JSON.parse(renderLint(report, 'sarif'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'require-concurrent-index-creation', level: 'error', locations: [{ physicalLocation: { region: { startLine: 2, startColumn: 14 } } }] });
    expect(sarif.runs[0].tool.driver.rules[0].helpUri).toMatch(/^https:\/\/.*\/docs\/rules\/[a-z-]+\.md$/);
    expect(sarif.runs[0].tool.driver.rules.length).toBe(RULE_IDS.length);
  });
});

describe('docs', () => {
  it('every rule has a page docs/rules/<id>.md, and every page a rule', async () => {
    const pages = (await readdir(new URL('../../docs/rules/', import.meta.url))).map((f) => f.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual([...RULE_IDS].sort());
    const index = await readFile(new URL('../../docs/lint.md', import.meta.url), 'utf8');
    for (const id of RULE_IDS) expect(index).toContain(`(rules/${id}.md)`);
  });
});

describe('batch parsing', () => {
  it('splitMany gives exactly what splitStatements gives per file', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const { splitStatements } = await import('../../src/sql/statements.js');
    const names = (await readdir(FIXTURES)).flatMap((rule) => [`${rule}/ok.sql`, `${rule}/error.sql`]);
    const scripts = await Promise.all(names.map(async (file) => ({ file, sql: await readFile(new URL(file, FIXTURES), 'utf8') })));
    scripts.push(
      { file: 'no-semicolon.sql', sql: '-- header\nCREATE TABLE é (id int);\n\nSELECT 1' },
      { file: 'comments.sql', sql: "/* a */ SELECT 'x;y'; -- tail\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql" },
    );
    const many = await splitMany(scripts);
    const one = await Promise.all(scripts.map((s) => splitStatements(s)));
    // Parse-tree `location`s count from the joined text: no rule reads them; everything else is equal.
    const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v) => (key === 'location' ? undefined : v)));
    expect(strip(many)).toEqual(strip(one));
    expect(many.map((file) => file.map((s) => [s.start, s.end, s.line, s.column]))).toEqual(one.map((file) => file.map((s) => [s.start, s.end, s.line, s.column])));
  });

  it('a syntax error still names its own file, line and column', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const error = await splitMany([{ file: 'a.sql', sql: 'SELECT 1;' }, { file: 'b.sql', sql: 'SELECT 1;\nCREATE TABLE (x int);' }]).catch((e: CutoverError) => e);
    expect(error).toMatchObject({ code: 'SYNTAX_ERROR', details: { file: 'b.sql', line: 2, column: 14 } });
  });
});

describe('lock-table and require-concurrent-reindex', () => {
  it('LOCK TABLE is reported only in the modes that block the application\'s reads or writes', async () => {
    const modes = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
    const flagged: string[] = [];
    for (const mode of modes) if ((await rulesOf(`LOCK TABLE users IN ${mode} MODE;`)).includes('lock-table')) flagged.push(mode);
    expect(flagged).toEqual(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);
  });

  it('REINDEX: the fix inserts CONCURRENTLY after the options; none for SYSTEM or before PostgreSQL 12', async () => {
    const [finding] = (await lint('REINDEX (VERBOSE) INDEX users_email;')).findings;
    expect(finding).toMatchObject({ rule: 'require-concurrent-reindex', fix: 'REINDEX (VERBOSE) INDEX CONCURRENTLY users_email' });
    expect((await lint('REINDEX TABLE users;', { pgVersion: 11 })).findings[0]).toMatchObject({ rule: 'require-concurrent-reindex', help: expect.stringContaining('no REINDEX CONCURRENTLY') });
    expect((await lint('REINDEX TABLE users;', { pgVersion: 11 })).findings[0]!.fix).toBeUndefined();
    expect(await rulesOf('CREATE TABLE t (id int);\nREINDEX TABLE t;')).toEqual([]);
  });
});
