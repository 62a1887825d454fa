/**
 * The layouts of goose, drizzle-kit, node-pg-migrate and the Supabase CLI
 * (src/migrations/formats/{goose,drizzle,node-pg-migrate,supabase}.ts), read
 * without a database: each tool's names, order, sections and transaction
 * mode; what it skips (a notice, never silence); what it refuses (a
 * CutoverError naming the file and line). Small synthetic fixtures, one per
 * quirk met in the corpus (../shared/corpora/MANIFEST.md).
 */
import { describe, expect, it } from 'vitest';
import type { CutoverError } from '../../src/errors.js';
import { gooseSections, gooseVersion } from '../../src/migrations/formats/goose.js';
import { drizzleOrder, nodePgMigrateOrder, supabaseOrder } from '../../src/migrations/formats/order.js';
import type { FormatNotice, FormatOption } from '../../src/migrations/formats/types.js';
import { loadMigrations } from '../../src/migrations/load.js';
import type { MigrationSource } from '../../src/migrations/types.js';
import { newMigrationFiles } from '../../src/migrations/new-files.js';

function source(files: Record<string, string>): MigrationSource {
  return { location: 'mem', list: async () => Object.keys(files), read: async (name) => files[name]! };
}

async function load(format: FormatOption, files: Record<string, string>) {
  const notices: FormatNotice[] = [];
  const migrations = await loadMigrations(source(files), { format, onNotice: ({ location: _, ...notice }) => notices.push(notice) });
  return { migrations, notices };
}

/** The problems a load reports: code, file, line and reason. */
async function problems(format: FormatOption, files: Record<string, string>) {
  try {
    await load(format, files);
  } catch (error) {
    const e = error as CutoverError & { errors?: CutoverError[] };
    return (e.errors ?? [e]).map((x) => ({ code: x.code, file: x.details.file, ...(x.details.line ? { line: x.details.line } : {}), ...(x.details.reason ? { reason: x.details.reason } : {}) }));
  }
  throw new Error('expected the load to fail');
}

const goose = (up: string, down = '') => `-- +goose Up\n${up}${down ? `\n-- +goose Down\n${down}` : ''}`;

describe('goose', () => {
  it('versions as NumericComponent reads them: int64 ≥ 1 before the first _, .sql or .go', () => {
    expect(gooseVersion('00042_add_users.sql')).toBe(42n);
    expect(gooseVersion('20240115180414_init.go')).toBe(20240115180414n);
    expect(gooseVersion('0_zero.sql')).toMatch(/greater than zero/);
    expect(gooseVersion('init.sql')).toMatch(/no '_'/);
    expect(gooseVersion('v1_init.sql')).toMatch(/not a number/);
  });

  it('orders .sql by number and reports each Go migration as a gap in its place; other names are skipped with a notice', async () => {
    const { migrations, notices } = await load('goose', {
      '10_c.sql': goose('CREATE TABLE c ();\n'), '9_b.go': 'package m\n', '2_a.sql': goose('CREATE TABLE a ();\n'),
      'helpers.go': 'package m\n', '3_x_test.go': 'package m\n', 'README.md': '# notes\n', 'notes.sql': 'SELECT 1;\n',
    });
    expect(migrations.map((m) => [m.version, m.name, m.file])).toEqual([['2', 'a', '2_a.sql'], ['10', 'c', '10_c.sql']]);
    expect(notices).toEqual([
      expect.objectContaining({ kind: 'gap', file: '9_b.go', version: '9' }),
      expect.objectContaining({ kind: 'ignored', file: 'notes.sql' }),
    ]);
  });

  it('a .sql and a .go migration with one version: DUPLICATE_VERSION, as goose refuses', async () => {
    expect(await problems('goose', { '1_a.sql': goose('SELECT 1;\n'), '1_b.go': 'package m\n' })).toEqual([{ code: 'DUPLICATE_VERSION', file: '1_b.go' }]);
  });

  it('splits the sections with the file\'s line numbers; an empty Down section is no down script', async () => {
    const { migrations: [m] } = await load('goose', { '1_a.sql': '-- +goose Up\nCREATE TABLE a ();\n\n-- +goose Down\nDROP TABLE a;\n', '2_b.sql': goose('CREATE TABLE b ();\n', '-- nothing\n') });
    expect(m!.sql).toBe('-- +goose Up\nCREATE TABLE a ();\n\n\n\n');
    expect(m!.down!.sql).toBe('\n\n\n-- +goose Down\nDROP TABLE a;\n');
    expect(m!.transaction).toBe(true);
    const { migrations: [, b] } = await load('goose', { '1_a.sql': goose('SELECT 1;\n'), '2_b.sql': goose('CREATE TABLE b ();\n', '-- nothing\n') });
    expect(b!.down).toBeUndefined();
  });

  it('NO TRANSACTION anywhere, in any case (hatchet writes `-- +goose no transaction`), turns both directions into no-transaction scripts', async () => {
    const text = '-- +goose Up\n-- +goose no transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\nALTER TYPE s ADD VALUE \'x\';\n-- +goose Down\n-- +goose NO TRANSACTION\nDROP INDEX CONCURRENTLY i;\n';
    const { migrations: [m] } = await load('goose', { '1_a.sql': text });
    expect([m!.transaction, m!.down!.transaction]).toEqual([false, false]);
  });

  it('StatementBegin/End around PL/pgSQL is accepted; the annotations stay as comments', () => {
    const text = goose('-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n');
    expect(gooseSections(text)).toEqual({ transaction: true });
  });

  it('refuses what goose refuses, at the line: an unbalanced StatementBegin, a stray StatementEnd, no Up, Down first, SQL before Up, an indented or unknown annotation, a missing semicolon', async () => {
    const files = {
      '1_unbalanced.sql': goose('-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n', 'DROP FUNCTION f;\n'),
      '2_nested.sql': goose('-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementBegin\nSELECT 2;\n-- +goose StatementEnd\n'),
      '3_stray_end.sql': goose('SELECT 1;\n-- +goose StatementEnd\n'),
      '4_no_up.sql': 'CREATE TABLE a ();\n',
      '5_down_first.sql': '-- +goose Down\nDROP TABLE a;\n-- +goose Up\nCREATE TABLE a ();\n',
      '6_indented.sql': goose(' -- +goose StatementBegin\nSELECT 1;\n'),
      '7_unknown.sql': goose('-- +goose Sideways\nSELECT 1;\n'),
      '8_semicolon.sql': goose('CREATE TABLE a ()\n', 'DROP TABLE a;\n'),
      '9_twice.sql': goose('SELECT 1;\n-- +goose Up\nSELECT 2;\n'),
      '11_envsub.sql': goose('-- +goose ENVSUB ON\nSELECT \'${X}\';\n'),
    };
    expect(await problems('goose', files)).toEqual([
      { code: 'BAD_SECTIONS', file: '11_envsub.sql', line: 2, reason: 'envsub' },
      { code: 'BAD_SECTIONS', file: '1_unbalanced.sql', line: 5, reason: 'unbalanced-statement-begin' },
      { code: 'BAD_SECTIONS', file: '2_nested.sql', line: 4, reason: 'unbalanced-statement-begin' },
      { code: 'BAD_SECTIONS', file: '3_stray_end.sql', line: 3, reason: 'unbalanced-statement-end' },
      { code: 'BAD_SECTIONS', file: '4_no_up.sql', line: 1, reason: 'statement-before-up' },
      { code: 'BAD_SECTIONS', file: '5_down_first.sql', line: 1, reason: 'down-before-up' },
      { code: 'BAD_SECTIONS', file: '6_indented.sql', line: 2, reason: 'bad-annotation' },
      { code: 'BAD_SECTIONS', file: '7_unknown.sql', line: 2, reason: 'bad-annotation' },
      { code: 'BAD_SECTIONS', file: '8_semicolon.sql', line: 2, reason: 'missing-semicolon' },
      { code: 'BAD_SECTIONS', file: '9_twice.sql', line: 3, reason: 'repeated-section' },
    ]);
    expect(await problems('goose', { '1_empty.sql': '\n\n-- just a comment\n' })).toEqual([{ code: 'BAD_SECTIONS', file: '1_empty.sql', line: 1, reason: 'missing-up' }]);
  });

  it('an unfinished statement in the Down section does not stop goose up, nor cutover', async () => {
    const { migrations } = await load('goose', { '1_a.sql': goose('CREATE TABLE a ();\n', 'DROP TABLE a\n') });
    expect(migrations[0]!.down!.sql).toContain('DROP TABLE a');
  });

  it('cutover new writes a goose file', () => {
    const [file] = newMigrationFiles('goose', { name: 'add_users', versions: ['20240101000000'], now: new Date('2026-12-06T10:00:00Z'), transaction: false, reversible: true });
    expect(file).toEqual({ path: '20261206100000_add_users.sql', text: '-- add users: written by `cutover new` on 2026-12-06 10:00:00 UTC; the statements go below.\n-- +goose NO TRANSACTION\n\n-- +goose Up\n\n\n-- +goose Down\n-- undo what the up script does\n' });
    expect(gooseSections(file!.text)).toMatchObject({ transaction: false });
  });
});

const journal = (...tags: string[]) => JSON.stringify({ version: '7', dialect: 'postgresql', entries: tags.map((tag, idx) => ({ idx, version: '7', when: 1700000000000 + idx, tag, breakpoints: true })) }, null, 2);

describe('drizzle-kit', () => {
  it('the journal decides: its order, its files; an orphan .sql and a .backup journal are skipped with a notice, snapshots silently', async () => {
    const { migrations, notices } = await load('drizzle', {
      'meta/_journal.json': journal('0000_first', '0001_second'),
      'meta/_journal.json.backup': journal('0000_first'),
      'meta/0000_snapshot.json': '{}',
      '0001_second.sql': 'ALTER TABLE a ADD b int;--> statement-breakpoint\nCREATE INDEX ON a (b);',
      '0000_first.sql': 'CREATE TABLE a (id int);',
      '0001_orphan.sql': 'DROP TABLE a;',
    });
    expect(migrations.map((m) => [m.version, m.name, m.file, m.transaction])).toEqual([['0000_first', 'first', '0000_first.sql', true], ['0001_second', 'second', '0001_second.sql', true]]);
    expect(notices.map((n) => [n.kind, n.file])).toEqual([['ignored', '0001_orphan.sql'], ['ignored', 'meta/_journal.json.backup']]);
  });

  it('a journal naming a missing file: BAD_JOURNAL at the journal line, before anything runs', async () => {
    expect(await problems('drizzle', { 'meta/_journal.json': journal('0000_first', '0001_gone'), '0000_first.sql': 'SELECT 1;' }))
      .toEqual([{ code: 'BAD_JOURNAL', file: 'meta/_journal.json', line: 16, reason: 'missing-file' }]);
  });

  it('no journal, a journal that is not JSON, a repeated tag: BAD_JOURNAL', async () => {
    expect(await problems('drizzle', { '0000_first.sql': 'SELECT 1;' })).toEqual([{ code: 'BAD_JOURNAL', file: 'meta/_journal.json', reason: 'no-journal' }]);
    expect(await problems('drizzle', { 'meta/_journal.json': '{"entries": [', '0000_first.sql': 'SELECT 1;' })).toEqual([{ code: 'BAD_JOURNAL', file: 'meta/_journal.json', reason: 'not-json' }]);
    expect((await problems('drizzle', { 'meta/_journal.json': journal('0000_first', '0000_first'), '0000_first.sql': 'SELECT 1;' }))[0]).toMatchObject({ reason: 'repeated-tag' });
  });

  it('orders tags by their number, then as text', () => {
    expect(['10000_k', '9999_j', '0001_a'].sort(drizzleOrder.compare)).toEqual(['0001_a', '9999_j', '10000_k']);
  });
});

describe('node-pg-migrate', () => {
  it('the name is the version; -- Up Migration / -- Down Migration sections keep the file\'s lines; JS migrations are gaps', async () => {
    const { migrations, notices } = await load('node-pg-migrate', {
      '1700000000000_create-users.sql': '-- Up Migration\nCREATE TABLE users (id int);\n\n-- Down Migration\nDROP TABLE users;\n',
      '1700000100000_seed.js': 'exports.up = () => {};\n',
      '1700000200000_plain.sql': 'CREATE TABLE plain (id int);\n',
      '.eslintrc': '{}',
    });
    expect(migrations.map((m) => [m.version, m.name])).toEqual([['1700000000000_create-users', 'create-users'], ['1700000200000_plain', 'plain']]);
    expect(migrations[0]!.sql).toBe('-- Up Migration\nCREATE TABLE users (id int);\n\n\n\n');
    expect(migrations[0]!.down!.sql).toBe('\n\n\n-- Down Migration\nDROP TABLE users;\n');
    expect(migrations[1]!.down).toBeUndefined();
    expect(notices).toEqual([expect.objectContaining({ kind: 'gap', file: '1700000100000_seed.js', version: '1700000100000_seed' })]);
  });

  it('a down section without an up marker is refused (node-pg-migrate would run it as part of up)', async () => {
    expect(await problems('node-pg-migrate', { '1_a.sql': 'CREATE TABLE a ();\n\n-- Down Migration\nDROP TABLE a;\n' })).toEqual([{ code: 'BAD_SECTIONS', file: '1_a.sql', line: 3, reason: 'down-without-up' }]);
  });

  it('orders by the numeric prefix (17 digits are a UTC time), ties by a numeric text compare', () => {
    expect(['20200513070724505_c', '1589353644506_d', '1589353644504_b', '1589353644504_a10', '1589353644504_a9'].sort(nodePgMigrateOrder.compare))
      .toEqual(['1589353644504_a9', '1589353644504_a10', '1589353644504_b', '20200513070724505_c', '1589353644506_d']);
  });
});

describe('Supabase CLI', () => {
  it('name order; other names and an old first <ts>_init.sql are skipped with a notice', async () => {
    const { migrations, notices } = await load('supabase', {
      '20200101000000_init.sql': 'CREATE TABLE old ();',
      '20240103173626_init.sql': 'CREATE TABLE a ();',
      '20240107152745_b.sql': 'CREATE TABLE b ();',
      'local_20240107152745_ollama.sql': 'CREATE TABLE c ();',
      'README.md': '# notes',
    });
    expect(migrations.map((m) => [m.version, m.name])).toEqual([['20240103173626', 'init'], ['20240107152745', 'b']]);
    expect(notices.map((n) => [n.kind, n.file])).toEqual([['ignored', '20200101000000_init.sql'], ['ignored', 'README.md'], ['ignored', 'local_20240107152745_ollama.sql']]);
  });

  it('orders as file names sort: 10_b before 1_a', () => {
    expect(['1', '10', '2'].sort(supabaseOrder.compare)).toEqual(['10', '1', '2']);
  });
});

describe('--format auto', () => {
  const read = (files: Record<string, string>) => async (path: string) => files[path]!;
  it('tells drizzle by its journal, goose by its Up annotation, node-pg-migrate by its Up marker', async () => {
    const { detectFormat } = await import('../../src/migrations/formats/detect.js');
    const drizzle = { 'meta/_journal.json': '{}', '0000_a.sql': 'SELECT 1;' };
    expect((await detectFormat(Object.keys(drizzle), read(drizzle))).format).toBe('drizzle');
    const gooseDir = { '20240101000000_init.sql': '-- +goose up\nSELECT 1;\n' };
    expect((await detectFormat(Object.keys(gooseDir), read(gooseDir))).format).toBe('goose');
    const npm = { '1700000000000_init.sql': '-- Up Migration\nSELECT 1;\n' };
    expect((await detectFormat(Object.keys(npm), read(npm))).format).toBe('node-pg-migrate');
    const plain = { '20240101000000_init.sql': '-- a note about the up migration path\nSELECT 1;\n' };
    expect((await detectFormat(Object.keys(plain), read(plain))).format).toBe('cutover');
  });
});

describe('Supabase CLI directories', () => {
  it('a <timestamp>_<name>/ directory with a .sql file is named as not run, never skipped silently', async () => {
    const { migrations, notices } = await load('supabase', { '20240101000000_a.sql': 'SELECT 1;', '20240102000000_b/migration.sql': 'SELECT 2;' });
    expect(migrations.map((m) => m.version)).toEqual(['20240101000000']);
    expect(notices).toEqual([expect.objectContaining({ kind: 'gap', file: '20240102000000_b/', version: '20240102000000' })]);
  });
});
