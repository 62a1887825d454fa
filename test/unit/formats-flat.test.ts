/**
 * The flat layouts of other tools (src/migrations/formats/{sqlx,golang-migrate,dbmate}.ts),
 * the scanner golang-migrate's layout uses, and `--format auto` choosing
 * between them: names and versions as each tool reads them, the corner cases,
 * and every bad input as a CutoverError naming the file (and line).
 */
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/errors.js';
import { checksum } from '../../src/migrations/checksum.js';
import { detectFormat } from '../../src/migrations/formats/detect.js';
import { splitSections } from '../../src/migrations/formats/dbmate.js';
import { asGolangMigrateRuns, parseGolangMigrateName } from '../../src/migrations/formats/golang-migrate.js';
import { scanStatements } from '../../src/migrations/formats/scan-statements.js';
import { parseSqlxName } from '../../src/migrations/formats/sqlx.js';
import type { FormatOption } from '../../src/migrations/formats/types.js';
import { loadMigrations } from '../../src/migrations/load.js';
import type { MigrationSource } from '../../src/migrations/types.js';
import { checkScript } from '../../src/sql/statements.js';

function source(files: Record<string, string>): MigrationSource {
  return { location: 'mem', list: async () => Object.keys(files), read: async (name) => files[name]! };
}

const load = (format: FormatOption, files: Record<string, string>) => loadMigrations(source(files), { format });

/** The problems a load reports: code, file, line and (dbmate) reason. */
async function problems(format: FormatOption, files: Record<string, string>) {
  try {
    await load(format, files);
  } catch (error) {
    const e = error as CutoverError & { errors?: CutoverError[] };
    return (e.errors ?? [e]).map((x) => ({ code: x.code, file: x.details.file, ...(x.details.line ? { line: x.details.line } : {}), ...(x.details.reason ? { reason: x.details.reason } : {}) }));
  }
  throw new Error('expected the load to fail');
}

const ok = 'CREATE TABLE t (id int);\n';

describe('sqlx names', () => {
  it('split on the first _: an i64 version (canonical, no leading zeros), the description with spaces', () => {
    expect(parseSqlxName('0042_add_users.sql')).toEqual({ version: '42', name: 'add users', kind: 'plain' });
    expect(parseSqlxName('20260101120000_add users.up.sql')).toEqual({ version: '20260101120000', name: 'add users', kind: 'up' });
    expect(parseSqlxName('3_v1.2_fix.down.sql')).toEqual({ version: '3', name: 'v1.2 fix', kind: 'down' });
    expect(parseSqlxName('+7_signed.sql')).toEqual({ version: '7', name: 'signed', kind: 'plain' });
    expect(parseSqlxName('0_zero.sql')).toEqual({ version: '0', name: 'zero', kind: 'plain' });
    // Rust's trim_end_matches removes a repeated suffix.
    expect(parseSqlxName('5_double.sql.sql')).toEqual({ version: '5', name: 'double', kind: 'plain' });
    expect(parseSqlxName('9223372036854775807_max.sql')).toMatchObject({ version: '9223372036854775807' });
  });

  it('versions sqlx refuses are problems; .sql names sqlx skips are skipped (and listed); other files are ignored', () => {
    expect(parseSqlxName('9223372036854775808_too_big.sql')).toEqual({ problem: expect.stringContaining('does not fit in an i64') });
    expect(parseSqlxName('v1_init.sql')).toEqual({ problem: expect.stringContaining('not an integer') });
    expect(parseSqlxName('_init.sql')).toEqual({ problem: expect.stringContaining('not an integer') });
    expect(parseSqlxName('-1_negative.sql')).toEqual({ problem: expect.stringContaining('negative') });
    expect(parseSqlxName('schema.sql')).toEqual({ skipped: expect.stringContaining('sqlx skips it') });
    expect(parseSqlxName('1_shout.SQL')).toEqual({ skipped: expect.stringContaining('sqlx skips it') });
    expect(parseSqlxName('README.md')).toBe('ignored');
    expect(parseSqlxName('old/1_init.sql')).toBe('ignored');
  });
});

describe('sqlx layout', () => {
  it('reads simple migrations and pairs in numeric order; an up without a down is allowed', async () => {
    const migrations = await load('sqlx', {
      '10_ten.sql': ok, '9_nine.up.sql': ok, '9_nine.down.sql': 'DROP TABLE t;\n', '0011_eleven.up.sql': ok, 'notes.txt': 'x',
    });
    expect(migrations.map((m) => [m.version, m.name, m.file, m.down?.file])).toEqual([
      ['9', 'nine', '9_nine.up.sql', '9_nine.down.sql'], ['10', 'ten', '10_ten.sql', undefined], ['11', 'eleven', '0011_eleven.up.sql', undefined],
    ]);
    expect(migrations.every((m) => m.format === 'sqlx')).toBe(true);
  });

  it('-- no-transaction as the first bytes of a file turns its transaction off, in up and down files alike', async () => {
    const migrations = await load('sqlx', {
      '1_index.up.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (id);\n',
      '1_index.down.sql': '-- no-transaction: dropping concurrently\nDROP INDEX CONCURRENTLY i;\n',
      '2_plain.sql': ok,
    });
    expect(migrations.map((m) => [m.version, m.transaction, m.down?.transaction])).toEqual([['1', false, false], ['2', true, undefined]]);
  });

  it('reports every bad file: a huge version, a stray down, a duplicate; skips a name sqlx skips', async () => {
    expect(await problems('sqlx', {
      '1_a.sql': ok, '99999999999999999999_big.sql': ok, '2_b.down.sql': ok, '0001_again.sql': ok, 'seed.sql': ok,
    })).toEqual(expect.arrayContaining([
      { code: 'BAD_FILENAME', file: '99999999999999999999_big.sql' },
      { code: 'MISSING_UP', file: '2_b.down.sql' },
      { code: 'DUPLICATE_VERSION', file: '1_a.sql' },
    ]));
  });
});

describe('golang-migrate names', () => {
  it('match golang-migrate\'s pattern: a uint64 version, any name (dots, spaces)', () => {
    expect(parseGolangMigrateName('000001_create_users.up.sql')).toEqual({ version: '1', name: 'create_users', kind: 'up' });
    expect(parseGolangMigrateName('2_add users.v2.down.sql')).toEqual({ version: '2', name: 'add users.v2', kind: 'down' });
    expect(parseGolangMigrateName('3_.up.sql')).toEqual({ version: '3', name: '', kind: 'up' });
    expect(parseGolangMigrateName('18446744073709551615_max.up.sql')).toMatchObject({ version: '18446744073709551615' });
  });

  it('.sql names it skips, and versions past uint64, are skipped (and listed); other files are ignored', () => {
    expect(parseGolangMigrateName('18446744073709551616_big.up.sql')).toEqual({ skipped: expect.stringContaining('uint64') });
    expect(parseGolangMigrateName('1_plain.sql')).toEqual({ skipped: expect.stringContaining('golang-migrate skips it') });
    expect(parseGolangMigrateName('create.up.sql')).toEqual({ skipped: expect.stringContaining('golang-migrate skips it') });
    expect(parseGolangMigrateName('1_x.up.json')).toBe('ignored');
    expect(parseGolangMigrateName('sub/1_x.up.sql')).toBe('ignored');
  });
});

describe('golang-migrate layout', () => {
  it('orders versions as numbers; the down is optional, a down without its up is an error', async () => {
    const migrations = await load('golang-migrate', {
      '10_ten.up.sql': ok, '10_ten.down.sql': 'DROP TABLE t;\n', '9_nine.up.sql': ok,
    });
    expect(migrations.map((m) => [m.version, m.name, m.down?.file])).toEqual([['9', 'nine', undefined], ['10', 'ten', '10_ten.down.sql']]);
    expect(await problems('golang-migrate', { '1_a.up.sql': ok, '2_b.down.sql': ok, '1_init.sql': ok })).toEqual([{ code: 'MISSING_UP', file: '2_b.down.sql' }]);
    const skipped: string[] = [];
    await loadMigrations(source({ '1_a.up.sql': ok, '1_init.sql': ok }), { format: 'golang-migrate', onNotice: ({ file, kind }) => skipped.push(`${kind} ${file}`) });
    expect(skipped).toEqual(['ignored 1_init.sql']);
  });

  it('a file wrapped in its own BEGIN; … COMMIT; runs its body in cutover\'s transaction, positions kept', async () => {
    const text = '-- users\nBEGIN;\nCREATE TABLE users (id int);\nCREATE TABLE notes (id int);\nCOMMIT;\n';
    const [migration] = await load('golang-migrate', { '1_users.up.sql': text });
    expect(migration!.transaction).toBe(true);
    expect(migration!.sql).toBe('-- users\n      \nCREATE TABLE users (id int);\nCREATE TABLE notes (id int);\n       \n');
    // The checksum is the file's, as read by any layout: switching --format never makes it look edited.
    expect(migration!.checksum).toBe(checksum(text));
    const { statements, problems: found } = await checkScript(migration!);
    expect(found).toEqual([]);
    expect(statements.map((s) => [s.kind, s.line, s.column])).toEqual([['CreateStmt', 3, 1], ['CreateStmt', 4, 1]]);
  });

  it('unwraps only a plain BEGIN/START TRANSACTION … COMMIT; anything else is left for the checker', () => {
    const run = (text: string) => asGolangMigrateRuns({ file: '1_a.up.sql', text });
    expect(run('START TRANSACTION;\nSELECT 1;\ncommit work;').text).toBe('                  \nSELECT 1;\n            ');
    expect(run('BEGIN ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;\nCOMMIT;').text).toContain('BEGIN');
    expect(run('BEGIN;\nSELECT 1;\nEND;').text).toContain('BEGIN');
    expect(run('BEGIN;\nSELECT 1;').text).toContain('BEGIN');
    // A file that manages its own transactions keeps them.
    expect(run('-- cutover:no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;').text).toContain('BEGIN');
  });

  it('a file whose every statement cannot run in a transaction runs without one; mixed files stay transactional', async () => {
    const run = (text: string) => asGolangMigrateRuns({ file: '1_a.up.sql', text });
    expect(run('-- speeds up lookups\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (id);\n').transaction).toBe(false);
    expect(run('create unique index concurrently i on t (id);\ndrop index concurrently j;').transaction).toBe(false);
    expect(run('REINDEX INDEX CONCURRENTLY i;').transaction).toBe(false);
    expect(run('VACUUM t;').transaction).toBe(false);
    expect(run('CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY i ON t (id);').transaction).toBeUndefined();
    expect(run('BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (id);\nCOMMIT;').transaction).toBeUndefined();
    expect(run('ANALYZE t;').transaction).toBeUndefined();
    // The mixed file meets the checker, which names the directive to add.
    const [mixed] = await load('golang-migrate', { '1_a.up.sql': 'CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY i ON t (id);\n' });
    const { problems: found } = await checkScript(mixed!);
    expect(found.map((p) => [p.code, p.details.line])).toEqual([['NEEDS_NO_TRANSACTION', 2]]);
    expect(found[0]!.hint).toContain('cutover:no-transaction');
  });
});

describe('scanStatements', () => {
  it('splits on top-level semicolons only, skipping comments, strings, identifiers and dollar quotes', () => {
    const text = [
      "BEGIN; -- a; comment", "/* block; /* nested; */ still */ INSERT INTO \"a;b\" VALUES ('x;''y', E'\\';', $$;$$, $f$ ; $$ ; $f$);",
      'SELECT a$b$c FROM t;;', 'COMMIT',
    ].join('\n');
    const statements = scanStatements(text);
    expect(statements.map((s) => s.code)).toEqual([
      'BEGIN', "INSERT INTO \"a;b\" VALUES ('x;''y', E'\\';', $$;$$, $f$ ; $$ ; $f$)", 'SELECT a$b$c FROM t', 'COMMIT',
    ]);
    expect(text.slice(statements[1]!.start, statements[1]!.start + 6)).toBe('INSERT');
    expect(text.slice(statements[0]!.start, statements[0]!.end)).toBe('BEGIN;');
    expect(statements[3]!.end).toBe(text.length);
  });

  it('a comment between tokens counts as a blank; unterminated quotes and comments run to the end', () => {
    expect(scanStatements('COMMIT/* done */WORK;').map((s) => s.code)).toEqual(['COMMIT WORK']);
    expect(scanStatements("SELECT 'open; still open").map((s) => s.code)).toEqual(["SELECT 'open; still open"]);
    expect(scanStatements('SELECT 1; /* open; comment').map((s) => s.code)).toEqual(['SELECT 1']);
    expect(scanStatements('  \n-- only a comment\n;;')).toEqual([]);
  });
});

describe('dbmate sections', () => {
  const file = [
    '-- create the users table', // 1
    '-- migrate:up', // 2
    '-- cutover:phase pre', // 3
    'CREATE TABLE users (id int);', // 4
    '', // 5
    '-- migrate:down transaction:false', // 6
    'DROP TABLE users;', // 7
    '',
  ].join('\n');

  it('split into an up and a down script that keep the file\'s line numbers', () => {
    const sections = splitSections('1_users.sql', file) as Exclude<ReturnType<typeof splitSections>, CutoverError>;
    expect(sections.up.text.split('\n')).toEqual(['-- create the users table', '-- migrate:up', '-- cutover:phase pre', 'CREATE TABLE users (id int);', '', '']);
    expect(sections.up.transaction).toBeUndefined();
    expect(sections.down!.text.split('\n')).toEqual(['', '', '', '', '', '-- migrate:down transaction:false', 'DROP TABLE users;', '']);
    expect(sections.down!.transaction).toBe(false);
  });

  it('options on the section line: only transaction:false turns the transaction off', () => {
    const up = (line: string) => (splitSections('1_a.sql', `${line}\nSELECT 1;\n-- migrate:down\n`) as { up: { transaction?: boolean } }).up.transaction;
    expect(up('-- migrate:up transaction:false')).toBe(false);
    expect(up('--migrate:up   foo:bar transaction:false')).toBe(false);
    expect(up('-- migrate:up transaction:true')).toBeUndefined();
    expect(up('-- migrate:up transaction:FALSE')).toBeUndefined();
  });

  it('the up script\'s checksum ignores the down section', async () => {
    const [before] = await load('dbmate', { '1_a.sql': '-- migrate:up\nCREATE TABLE a ();\n-- migrate:down\nDROP TABLE a;\n' });
    const [after] = await load('dbmate', { '1_a.sql': '-- migrate:up\nCREATE TABLE a ();\n-- migrate:down\n-- undo\nDROP TABLE IF EXISTS a;\n' });
    expect(after!.checksum).toBe(before!.checksum);
    expect(after!.down!.checksum).not.toBe(before!.down!.checksum);
  });

  it('a down section of comments only is no down script', () => {
    const sections = splitSections('1_a.sql', '-- migrate:up\nSELECT 1;\n-- migrate:down\n-- irreversible\n\n');
    expect(sections).not.toBeInstanceOf(CutoverError);
    expect((sections as { down?: unknown }).down).toBeUndefined();
  });

  it('errors where dbmate errors, at the line, with a reason', () => {
    const error = (text: string) => {
      const result = splitSections('7_x.sql', text);
      return result instanceof CutoverError ? { code: result.code, ...result.details } : result;
    };
    expect(error('CREATE TABLE a ();\n')).toEqual({ code: 'BAD_SECTIONS', file: '7_x.sql', line: 1, reason: 'missing-up' });
    expect(error('-- migrate:upgrade\nSELECT 1;\n-- migrate:down\n')).toMatchObject({ reason: 'missing-up' });
    expect(error('-- migrate:up\nCREATE TABLE a ();\n\n')).toEqual({ code: 'BAD_SECTIONS', file: '7_x.sql', line: 2, reason: 'missing-down' });
    expect(error('-- note\n-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a ();\n')).toMatchObject({ line: 2, reason: 'down-before-up' });
    expect(error('-- types first\nCREATE TYPE s AS ENUM (\'a\');\n\n-- migrate:up\nSELECT 1;\n-- migrate:down\n')).toMatchObject({ line: 2, reason: 'statement-before-up' });
    expect(error('  -- migrate:up\nSELECT 1;\n-- migrate:down\n')).toMatchObject({ reason: 'missing-up' });
    expect(error('-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n-- migrate:up\nSELECT 3;\n-- migrate:down\n')).toMatchObject({ line: 5, reason: 'repeated-section' });
  });
});

describe('dbmate layout', () => {
  const migration = (sql: string) => `-- migrate:up\n${sql}\n-- migrate:down\n`;

  it('keeps versions as written and orders them as text; the name follows the digits', async () => {
    const migrations = await load('dbmate', {
      '20240102000000_add_notes.sql': migration('CREATE TABLE notes ();'), '001_init.sql': migration('SELECT 1;'), '20240101000000-users.sql': migration('SELECT 2;'),
      'README.md': '# migrations',
    });
    expect(migrations.map((m) => [m.version, m.name])).toEqual([['001', 'init'], ['20240101000000', '-users'], ['20240102000000', 'add_notes']]);
    expect(migrations.every((m) => m.format === 'dbmate' && m.down === undefined)).toBe(true);
  });

  it('cutover directives work above -- migrate:up, right below it, and right below -- migrate:down', async () => {
    const [above] = await load('dbmate', { '1_a.sql': '-- cutover:phase post\n-- migrate:up\nALTER TABLE t DROP COLUMN c;\n-- migrate:down\n-- cutover:no-transaction\nSELECT 1;\n' });
    expect([above!.phase, above!.transaction, above!.down!.transaction]).toEqual(['post', true, false]);
    const [below] = await load('dbmate', { '1_a.sql': '-- migrate:up\n-- cutover:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (id);\n-- migrate:down\nDROP INDEX i;\n' });
    expect([below!.phase, below!.transaction, below!.down!.transaction]).toEqual(['pre', false, true]);
  });

  it('a SQL error in the down section is reported at the file\'s own line', async () => {
    const [m] = await load('dbmate', { '1_a.sql': '-- migrate:up\nCREATE TABLE a ();\n\n-- migrate:down\nDROP TABLEE a;\n' });
    const { problems: found } = await checkScript(m!.down!);
    expect(found.map((p) => [p.code, p.details.file, p.details.line])).toEqual([['SYNTAX_ERROR', '1_a.sql', 5]]);
  });

  it('reports every bad file: sections, duplicate versions; skips names dbmate skips', async () => {
    expect(await problems('dbmate', {
      '1_a.sql': migration('SELECT 1;'), '01_b.sql': migration('SELECT 1;'), '1_again.sql': migration('SELECT 1;'),
      '2_c.sql': 'SELECT 1;\n', 'schema.sql': 'SELECT 1;\n',
    })).toEqual(expect.arrayContaining([
      { code: 'DUPLICATE_VERSION', file: '1_again.sql' },
      { code: 'BAD_SECTIONS', file: '2_c.sql', line: 1, reason: 'missing-up' },
    ]));
  });
});

describe('--format auto', () => {
  const detect = async (files: Record<string, string>) => (await detectFormat(Object.keys(files), async (path) => files[path]!)).format;
  const pair = (base: string) => ({ [`${base}.up.sql`]: ok, [`${base}.down.sql`]: ok });

  it('reads a directory that fits cutover\'s names as cutover\'s, golang-migrate and sqlx look-alikes included', async () => {
    expect(await detect({ '1_init.sql': ok, ...pair('000002_create_users_table') })).toBe('cutover');
    expect(await detect({ ...pair('20240101120000_users'), 'README.md': '' })).toBe('cutover');
    // An up without its down stays cutover's (MISSING_DOWN), never silently another tool's.
    expect(await detect({ ...pair('1_init'), '2_index.up.sql': ok })).toBe('cutover');
  });

  it('golang-migrate: pairs numbered as `migrate create` numbers them (-seq, Unix time), even when they fit cutover\'s names', async () => {
    expect(await detect({ ...pair('000001_create_users_table'), '000002_add_index.up.sql': ok })).toBe('golang-migrate');
    expect(await detect({ ...pair('1500360784_create_users_table'), ...pair('1500360800_add_index') })).toBe('golang-migrate');
    expect(await detect({ ...pair('000001_x'), '20240101000000_y.sql': ok })).toBe('cutover');
  });

  it('golang-migrate: up/down names cutover\'s stricter pattern rejects', async () => {
    expect(await detect({ ...pair('1_create users'), ...pair('2_add.notes') })).toBe('golang-migrate');
    expect(await detect({ ...pair('000001_add-users'), '000002_v1.2.up.sql': ok })).toBe('golang-migrate');
  });

  it('never sqlx: a name cutover refuses is reported, not a reason to read the directory as sqlx\'s (defect 16.15)', async () => {
    expect(await detect({ '1_init.sql': ok, '2_add users.sql': ok })).toBe('cutover');
    expect(await detect({ '1_init.sql': ok, '2_v1.2.up.sql': ok })).toBe('cutover');
    expect(await problems('auto', { '1_init.sql': ok, '2_add users.sql': ok })).toEqual([{ code: 'BAD_FILENAME', file: '2_add users.sql' }]);
    // --format sqlx reads it as sqlx does.
    expect((await load('sqlx', { '1_init.sql': ok, '2_add users.sql': ok })).map((m) => m.name)).toEqual(['init', 'add users']);
  });

  it('a directory mixing two tools\' layouts is refused, naming one file of each', async () => {
    const mixed = async (files: Record<string, string>) => {
      const error = await load('auto', files).then(() => undefined, (e: CutoverError) => e);
      return error && [error.code, error.details.file, error.details.other];
    };
    expect(await mixed({ 'V1__init.sql': ok, ...pair('2_users') })).toEqual(['MIXED_LAYOUT', 'V1__init.sql', '2_users.down.sql']);
    expect(await mixed({ 'V1__init.sql': ok, '2_users.sql': ok })).toEqual(['MIXED_LAYOUT', 'V1__init.sql', '2_users.sql']);
    expect(await mixed({ '1_a.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\n', ...pair('2_b') })).toEqual(['MIXED_LAYOUT', '1_a.sql', '2_b.down.sql']);
    expect(await mixed({ '1_a/up.sql': ok, '2_b/migration.sql': ok })).toEqual(['MIXED_LAYOUT', '2_b/migration.sql', '1_a/up.sql']);
    // diesel and Prisma ignore loose files: no mix.
    expect(await mixed({ '1_a/up.sql': ok, '0_setup.sql': ok })).toBeUndefined();
    const error = await load('auto', { 'V1__init.sql': ok, '2_users.sql': ok }).catch((e: CutoverError) => e);
    expect((error as CutoverError).hint).toContain('--format flyway');
  });

  it('cutover\'s errors when no layout fits every file', async () => {
    expect(await detect({ '1_init.sql': ok, 'seed.sql': ok })).toBe('cutover');
  });

  it('dbmate: a file with a -- migrate:up line, even with cutover\'s names', async () => {
    expect(await detect({ '20240101000000_users.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\n', '20240102000000_x.sql': ok })).toBe('dbmate');
  });

  it('loads with the detected layout', async () => {
    const [m] = await load('auto', { '1_create users.up.sql': 'BEGIN;\nSELECT 1;\nCOMMIT;\n' });
    expect([m!.format, m!.name, m!.sql]).toEqual(['golang-migrate', 'create users', '      \nSELECT 1;\n       \n']);
  });
});

describe('what each tool runs, read as it runs it (issue 15)', () => {
  it('sqlx: a file with its own BEGIN/COMMIT (or a BEGIN sqlx\'s own COMMIT closes) runs in cutover\'s transaction; an empty or comment-only file is a no-op', async () => {
    const wrapped = '-- atomically\nBEGIN;\n  UPDATE t SET a = 1;\n  ALTER TABLE t ALTER COLUMN a SET NOT NULL;\nCOMMIT;';
    const ms = await load('sqlx', { '1_a.sql': wrapped, '2_b.sql': 'CREATE TABLE x (id int);\nBEGIN;\nDO $$ BEGIN PERFORM 1; END $$;\n', '3_c.sql': '', '4_d.sql': '-- nothing\n' });
    expect(ms.map((m) => [m.version, m.transaction, m.emptyIsNoOp])).toEqual([['1', true, true], ['2', true, true], ['3', true, true], ['4', true, true]]);
    expect(ms[0]!.sql).not.toMatch(/BEGIN|COMMIT/);
    expect(ms[0]!.checksum).toBe(checksum(wrapped));
    expect(ms[1]!.sql).toContain('DO $$ BEGIN PERFORM 1; END $$');
    for (const m of ms) expect((await checkScript(m)).problems).toEqual([]);
    // -- no-transaction files keep their own transaction control.
    expect((await load('sqlx', { '1_a.sql': '-- no-transaction\nBEGIN;\nSELECT 1;\nCOMMIT;\n' }))[0]!.sql).toContain('BEGIN;');
  });

  it('golang-migrate: 0-byte and comment-only files are no-ops; versions are unpadded numbers (0 < 9 < 100 < 1000 < 1002)', async () => {
    const ms = await load('golang-migrate', {
      '0_extensions.up.sql': ok, '9_a.up.sql': ok, '9_a.down.sql': '', '100_b.up.sql': '-- MySQL only\n', '1000_c.up.sql': ok, '1002_d.up.sql': ok, '101_e.up.sql': ok,
    });
    expect(ms.map((m) => m.version)).toEqual(['0', '9', '100', '101', '1000', '1002']);
    expect(ms[1]!.down).toMatchObject({ sql: '', emptyIsNoOp: true });
    expect((await checkScript(ms[2]!)).problems).toEqual([]);
    expect((await checkScript(ms[1]!.down!)).problems).toEqual([]);
  });

  it('golang-migrate: a file ending in COMMIT without BEGIN runs in cutover\'s transaction; a lone CALL runs without one (its procedure may commit)', () => {
    const run = (text: string) => asGolangMigrateRuns({ file: '1_a.up.sql', text });
    expect(run('CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCOMMIT;\n').text).toBe('CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n       \n');
    expect(run('BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;').text).not.toMatch(/BEGIN|COMMIT/);
    expect(run('CALL fill_attachment_creation_date();').transaction).toBe(false);
    expect(run('CALL a();\nCALL b();').transaction).toBeUndefined();
  });

  it('cutover\'s own layout still refuses empty files and its own BEGIN/COMMIT', async () => {
    expect(await problems('cutover', { '1_a.sql': '  \n' })).toEqual([{ code: 'EMPTY_FILE', file: '1_a.sql' }]);
    const [m] = await load('cutover', { '1_a.sql': 'BEGIN;\nSELECT 1;\nCOMMIT;\n' });
    expect((await checkScript(m!)).problems.map((p) => p.code)).toEqual(['TRANSACTION_CONTROL', 'TRANSACTION_CONTROL']);
    const [comment] = await load('cutover', { '1_a.sql': '-- nothing\n' });
    expect((await checkScript(comment!)).problems.map((p) => p.code)).toEqual(['EMPTY_FILE']);
  });
});
