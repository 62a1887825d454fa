/**
 * Flyway's, diesel's and Prisma's layouts (src/migrations/formats/{flyway,diesel,prisma}.ts)
 * and bundles of them (src/migrations/bundle.ts): names and versions as each
 * tool reads them, their order corner cases, per-migration settings
 * (.sql.conf, metadata.toml), and every bad input as a CutoverError naming
 * the file (and line).
 */
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/errors.js';
import { bundleMigrations, bundleSource, renderBundle } from '../../src/migrations/bundle.js';
import { checksum } from '../../src/migrations/checksum.js';
import { detectFormat } from '../../src/migrations/formats/detect.js';
import { dieselVersion, parseMetadata } from '../../src/migrations/formats/diesel.js';
import { parseFlywayName, parseScriptConfig } from '../../src/migrations/formats/flyway.js';
import { refusingTransaction } from '../../src/migrations/formats/no-transaction.js';
import type { FormatOption } from '../../src/migrations/formats/types.js';
import { loadMigrations } from '../../src/migrations/load.js';
import type { Migration, MigrationSource } from '../../src/migrations/types.js';

function source(files: Record<string, string | Uint8Array>): MigrationSource {
  return { location: 'mem', list: async () => Object.keys(files), read: async (name) => files[name]! };
}

const load = (format: FormatOption, files: Record<string, string | Uint8Array>) => loadMigrations(source(files), { format });

/** The problems a load reports: code, file and line. */
async function problems(format: FormatOption, files: Record<string, string>) {
  try {
    await load(format, files);
  } catch (error) {
    const e = error as CutoverError & { errors?: CutoverError[] };
    return (e.errors ?? [e]).map((x) => ({ code: x.code, file: x.details.file, ...(x.details.line ? { line: x.details.line } : {}) }));
  }
  throw new Error('expected the load to fail');
}

/** The hints of a failed load, by file. */
async function hints(format: FormatOption, files: Record<string, string>): Promise<Record<string, string>> {
  try {
    await load(format, files);
  } catch (error) {
    const e = error as CutoverError & { errors?: CutoverError[] };
    return Object.fromEntries((e.errors ?? [e]).map((x) => [String(x.details.file), x.hint ?? '']));
  }
  throw new Error('expected the load to fail');
}

/** The paths a load leaves alone, as the layout's tool does: file → 'gap' or 'ignored'. */
async function ignoredBy(format: FormatOption, files: Record<string, string>): Promise<Record<string, string>> {
  const said: Record<string, string> = {};
  await loadMigrations(source(files), { format, onNotice: ({ file, kind }) => { said[file] = kind; } });
  return said;
}

const ok = 'CREATE TABLE t (id int);\n';
const summary = (ms: Migration[]) => ms.map((m) => ({ version: m.version, name: m.name, file: m.file, down: m.down?.file, transaction: m.transaction, repeatable: m.repeatable }));

describe('Flyway names', () => {
  it('versions with dots or underscores (shown with dots), the description with spaces', () => {
    expect(parseFlywayName('V1_2__add_users.sql')).toEqual({ kind: 'versioned', version: '1.2', description: 'add users' });
    expect(parseFlywayName('V1.10__x.sql')).toEqual({ kind: 'versioned', version: '1.10', description: 'x' });
    expect(parseFlywayName('V001__init.sql')).toEqual({ kind: 'versioned', version: '001', description: 'init' });
    expect(parseFlywayName('V20260101120000__a__b.sql')).toEqual({ kind: 'versioned', version: '20260101120000', description: 'a  b' });
    expect(parseFlywayName('sub/V3__in_a_folder.sql')).toEqual({ kind: 'versioned', version: '3', description: 'in a folder' });
    // As Flyway: without the separator the whole rest is the version and the description is empty.
    expect(parseFlywayName('V7.sql')).toEqual({ kind: 'versioned', version: '7', description: '' });
    expect(parseFlywayName('U1_2__undo_users.sql')).toEqual({ kind: 'undo', version: '1.2', description: 'undo users' });
    expect(parseFlywayName('R__users_view.sql')).toEqual({ kind: 'repeatable', version: 'R__users_view', description: 'users view' });
    expect(parseFlywayName('README.md')).toBe('ignored');
    expect(parseFlywayName('V2__x.sql.conf')).toBe('ignored');
  });

  it('refuses what Flyway refuses, each with a hint, and leaves alone what Flyway skips', () => {
    const problem = (file: string) => {
      const result = parseFlywayName(file);
      if (typeof result === 'string' || !('problem' in result)) throw new Error(`${file} parsed`);
      return result;
    };
    expect(problem('beforeMigrate.sql').problem).toContain('callback');
    expect(problem('afterMigrate__refresh.sql').problem).toContain('callback');
    expect(problem('B5__baseline.sql').problem).toContain('baseline');
    expect(problem('B5__baseline.sql').hint).toContain('adopt --baseline');
    expect(problem('V__x.sql').problem).toContain('needs a version');
    expect(problem('V1..2__x.sql').problem).toContain('not a Flyway version');
    expect(problem('R1__x.sql').hint).toBe('Rename it to R__x.sql.');
    // Flyway's default (validateMigrationNaming=false) skips these; the first two look meant as migrations.
    expect(parseFlywayName('V1__x.SQL')).toEqual({ ignored: expect.stringContaining('lower case'), warn: true });
    expect(parseFlywayName('v1__x.sql')).toEqual({ ignored: expect.stringContaining('upper case'), warn: true });
    expect(parseFlywayName('seed.sql')).toEqual({ ignored: expect.stringContaining('not a Flyway migration name') });
    expect(parseFlywayName('Views.sql')).toEqual({ ignored: expect.stringContaining('not a Flyway migration name') });
  });
});

describe('Flyway layout', () => {
  it('orders versions part by part as numbers (1.2 < 1.10, 1_1 = 1.1), one level down too, repeatables last by description', async () => {
    const ms = await load('flyway', {
      'V1__a.sql': ok, 'V1_2__b.sql': ok, 'V1.10__c.sql': ok, 'V1_1__d.sql': ok, 'V2__e.sql': ok,
      'R__b_view.sql': ok, 'R__a_view.sql': ok, 'sub/V1.3__f.sql': ok, 'README.md': 'not a migration',
    });
    expect(ms.map((m) => m.version)).toEqual(['1', '1.1', '1.2', '1.3', '1.10', '2', 'R__a_view', 'R__b_view']);
    expect(ms.find((m) => m.version === '1.3')).toMatchObject({ file: 'sub/V1.3__f.sql', name: 'f', format: 'flyway' });
    expect(ms.filter((m) => m.repeatable).map((m) => m.name)).toEqual(['a view', 'b view']);
  });

  it('orders repeatables by description with underscores as spaces, as Flyway compares them', async () => {
    // "a b" < "a-c" (space before dash), though "a_b" > "a-c" by file name.
    const ms = await load('flyway', { 'R__a-c.sql': ok, 'R__a_b.sql': ok, 'V1__x.sql': ok });
    expect(ms.map((m) => m.version)).toEqual(['1', 'R__a_b', 'R__a-c']);
  });

  it('a version Flyway holds equal (1.0 = 1, 1_1 = 1.1, 01 = 1) is a duplicate; so are two repeatables with one description', async () => {
    expect(await problems('flyway', { 'V1__a.sql': ok, 'V1.0__b.sql': ok, 'V1_1__c.sql': ok, 'V1.1__d.sql': ok, 'V01.5__e.sql': ok, 'V1.5__f.sql': ok })).toEqual([
      { code: 'DUPLICATE_VERSION', file: 'V1__a.sql' },
      { code: 'DUPLICATE_VERSION', file: 'V1_1__c.sql' },
      { code: 'DUPLICATE_VERSION', file: 'V1.5__f.sql' },
    ]);
    expect(await problems('flyway', { 'R__a_b.sql': ok, 'R__a b.sql': ok, 'V1__x.sql': ok, 'sub/V1__x.sql': ok })).toEqual([
      { code: 'DUPLICATE_VERSION', file: 'sub/V1__x.sql' },
      { code: 'DUPLICATE_VERSION', file: 'R__a_b.sql' },
    ]);
  });

  it('a U file is the down script of the V file with its version; an undo without one is an error', async () => {
    const ms = await load('flyway', { 'V1__a.sql': ok, 'V1_1__b.sql': ok, 'U1.1__undo_b.sql': 'DROP TABLE t;\n', 'R__v.sql': ok });
    expect(summary(ms)).toEqual([
      { version: '1', name: 'a', file: 'V1__a.sql', down: undefined, transaction: true, repeatable: undefined },
      { version: '1.1', name: 'b', file: 'V1_1__b.sql', down: 'U1.1__undo_b.sql', transaction: true, repeatable: undefined },
      { version: 'R__v', name: 'v', file: 'R__v.sql', down: undefined, transaction: true, repeatable: true },
    ]);
    expect(await problems('flyway', { 'V1__a.sql': ok, 'U3__c.sql': ok, 'U1__a.sql': ok, 'U1.0__again.sql': ok })).toEqual([
      { code: 'DUPLICATE_VERSION', file: 'U1__a.sql' },
      { code: 'MISSING_UP', file: 'U3__c.sql' },
    ]);
  });

  it('skips what Flyway skips, as Flyway does, and lists it; a name that looks meant as a migration and a Java migration are said on every run', async () => {
    const files = {
      'V1__a.sql': ok, 'base/base_schema.sql': ok, 'V2__x.SQL': ok, 'notes.txt': 'x', 'V1_5__Fill_cache.java': 'class X {}', 'V2__a.sql.conf': 'executeInTransaction=true\n', 'V2__a.sql': ok,
    };
    expect((await load('flyway', files)).map((m) => m.version)).toEqual(['1', '2']);
    expect(await ignoredBy('flyway', files)).toEqual({ 'base/base_schema.sql': 'ignored', 'V2__x.SQL': 'gap', 'notes.txt': 'ignored', 'V1_5__Fill_cache.java': 'gap' });
    expect(await problems('flyway', { 'V1__a.sql': ok, 'beforeMigrate.sql': ok })).toEqual([{ code: 'BAD_FILENAME', file: 'beforeMigrate.sql' }]);
  });

  it('reads sub-folders at any depth, orders versions part by part (V4_99_1561608282 < V4_100, V2_31_10 > V2_31_7); a comment-only script is a no-op', async () => {
    const ms = await load('flyway', {
      'V4_100__noop.sql': '-- only on MySQL\n', 'V4_99_1561608282__a.sql': ok, 'rel/2.31/V2_31_10__b.sql': ok, 'rel/2.31/V2_31_7__c.sql': ok, 'V4_101__empty.sql': '',
    });
    expect(ms.map((m) => m.version)).toEqual(['2.31.7', '2.31.10', '4.99.1561608282', '4.100', '4.101']);
    expect(ms.find((m) => m.version === '4.100')).toMatchObject({ emptyIsNoOp: true });
  });

  it('a .sql.conf with executeInTransaction=false turns the transaction off, for that script only', async () => {
    const ms = await load('flyway', {
      'V1__t.sql': ok,
      'V2__index.sql': 'CREATE INDEX t_id ON t (id);\n', 'V2__index.sql.conf': '# no lock on t\nexecuteInTransaction=false\nencoding=UTF-8\n',
      'U2__index.sql': 'DROP INDEX t_id;\n',
    });
    expect(ms.map((m) => [m.version, m.transaction, m.down?.transaction])).toEqual([['1', true, undefined], ['2', false, true]]);
  });

  it('a statement PostgreSQL refuses in a transaction turns it off, as Flyway does, unless the .conf says otherwise', async () => {
    const index = '-- build it without blocking writes\ncreate unique index concurrently t_id on t (id);\n';
    const ms = await load('flyway', {
      'V1__t.sql': "INSERT INTO notes VALUES ('CREATE INDEX CONCURRENTLY x ON y (z)');\n",
      'V2__index.sql': index, 'V3__forced.sql': index, 'V3__forced.sql.conf': 'executeInTransaction = true\n', 'V4__vacuum.sql': 'VACUUM ANALYZE t;\n',
    });
    expect(ms.map((m) => [m.version, m.transaction])).toEqual([['1', true], ['2', false], ['3', true], ['4', false]]);
  });

  it('refuses a bad or unknown .conf setting, and a .conf without its script, naming file and line', async () => {
    expect(await problems('flyway', {
      'V1__a.sql': ok, 'V1__a.sql.conf': '\nexecuteInTransaction=maybe\n',
      'V2__b.sql': ok, 'V2__b.sql.conf': 'mixed=true\n',
      'V3__c.sql': ok, 'V3__c.sql.conf': 'encoding=ISO_8859_1\n',
      'V4__d.sql': ok, 'V4__d.sql.conf': 'shouldExecute=${env}==prod\n',
      'V5__e.sql': ok, 'V5__e.sql.conf': 'just words\n',
      'V9__renamed.sql.conf': 'executeInTransaction=false\n',
    })).toEqual([
      { code: 'BAD_METADATA', file: 'V9__renamed.sql.conf' },
      { code: 'BAD_METADATA', file: 'V1__a.sql.conf', line: 2 },
      { code: 'BAD_METADATA', file: 'V2__b.sql.conf', line: 1 },
      { code: 'BAD_METADATA', file: 'V3__c.sql.conf', line: 1 },
      { code: 'BAD_METADATA', file: 'V4__d.sql.conf', line: 1 },
      { code: 'BAD_METADATA', file: 'V5__e.sql.conf', line: 1 },
    ]);
    expect(parseScriptConfig('! a comment\nplaceholderReplacement: false\n', 'x.conf')).toEqual({ placeholders: false });
  });

  it('refuses a ${placeholder} (cutover replaces none), unless the .conf turns placeholder replacement off', async () => {
    expect(await problems('flyway', { 'V1__a.sql': 'CREATE TABLE a (id int);\nCREATE TABLE ${flyway:defaultSchema}.b (id int);\n' })).toEqual([
      { code: 'PLACEHOLDER', file: 'V1__a.sql', line: 2 },
    ]);
    const ms = await load('flyway', { 'V1__a.sql': "INSERT INTO templates VALUES ('Hello ${name}');\n", 'V1__a.sql.conf': 'placeholderReplacement=false\n' });
    expect(ms.map((m) => m.version)).toEqual(['1']);
  });
});

describe('diesel layout', () => {
  it('the version is the directory name before the first _, dashes removed', () => {
    expect(dieselVersion('2017-09-23-182408_create_users')).toBe('20170923182408');
    expect(dieselVersion('20170309122510_create_posts')).toBe('20170309122510');
    expect(dieselVersion('00000000000000_diesel_initial_setup')).toBe('00000000000000');
    expect(dieselVersion('initial')).toBe('initial');
  });

  it('orders mixed dashed and undashed names by the dash-less version, as diesel does (not by directory name)', async () => {
    const ms = await load('diesel', {
      '2017-09-23-182408_create_users/up.sql': ok, '2017-09-23-182408_create_users/down.sql': 'DROP TABLE users;\n',
      '20170309122510_create_posts/up.sql': ok,
      '2017-10-01-000000_add_index/up.sql': ok,
      '00000000000000_diesel_initial_setup/up.sql': 'CREATE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$ BEGIN END; $$ LANGUAGE plpgsql;\n',
      '00000000000000_diesel_initial_setup/down.sql': 'DROP FUNCTION diesel_manage_updated_at(_tbl regclass);\n',
      '.keep': '', 'README.md': 'x',
    });
    // By directory name "20170309122510_create_posts" would sort last ('-' < '0').
    expect(summary(ms)).toEqual([
      { version: '00000000000000', name: 'diesel_initial_setup', file: '00000000000000_diesel_initial_setup/up.sql', down: '00000000000000_diesel_initial_setup/down.sql', transaction: true, repeatable: undefined },
      { version: '20170309122510', name: 'create_posts', file: '20170309122510_create_posts/up.sql', down: undefined, transaction: true, repeatable: undefined },
      { version: '20170923182408', name: 'create_users', file: '2017-09-23-182408_create_users/up.sql', down: '2017-09-23-182408_create_users/down.sql', transaction: true, repeatable: undefined },
      { version: '20171001000000', name: 'add_index', file: '2017-10-01-000000_add_index/up.sql', down: undefined, transaction: true, repeatable: undefined },
    ]);
  });

  it('metadata.toml: run_in_transaction = false turns the transaction off for up and down; a blank down.sql is no down script', async () => {
    const ms = await load('diesel', {
      '1_a/up.sql': ok, '1_a/down.sql': '\n  \n',
      '2_index/up.sql': 'CREATE INDEX CONCURRENTLY i ON t (id);\n', '2_index/down.sql': 'DROP INDEX CONCURRENTLY i;\n',
      '2_index/metadata.toml': '# built without blocking writes\nrun_in_transaction = false # needed\n',
      '3_b/up.sql': ok, '3_b/metadata.toml': 'run_in_transaction = true\n',
    });
    expect(ms.map((m) => [m.version, m.transaction, m.down?.transaction])).toEqual([['1', true, undefined], ['2', false, false], ['3', true, undefined]]);
  });

  it('keeps diesel\'s reading of metadata.toml: only a top-level key counts, and a file without it means no transaction', () => {
    expect(parseMetadata('', 'm.toml')).toEqual({ transaction: false });
    expect(parseMetadata('other = "x"\n', 'm.toml')).toEqual({ transaction: false });
    expect(parseMetadata('run_in_transaction = true\n[extra]\nrun_in_transaction = false\n', 'm.toml')).toEqual({ transaction: true });
    expect(parseMetadata('notes = """\nrun_in_transaction = true\n"""\nlist = [\n  1,\n  2,\n]\n"run_in_transaction" = false\n', 'm.toml')).toEqual({ transaction: false });
  });

  it('a malformed metadata.toml is an error naming the file and line (diesel would ignore it silently)', async () => {
    expect(await problems('diesel', {
      '1_a/up.sql': ok, '1_a/metadata.toml': 'run_in_transaction = no\n',
      '2_b/up.sql': ok, '2_b/metadata.toml': '\nthis is not toml\n',
      '3_c/up.sql': ok, '3_c/metadata.toml': 'run_in_transaction = false\nrun_in_transaction = true\n',
      '4_d/up.sql': ok, '4_d/metadata.toml': 'notes = """\nnever closed\n',
    })).toEqual([
      { code: 'BAD_METADATA', file: '1_a/metadata.toml', line: 1 },
      { code: 'BAD_METADATA', file: '2_b/metadata.toml', line: 2 },
      { code: 'BAD_METADATA', file: '3_c/metadata.toml', line: 2 },
      { code: 'BAD_METADATA', file: '4_d/metadata.toml', line: 3 },
    ]);
  });

  it('rejects a directory without up.sql, a missing version and a shared version; ignores loose files and other files, as diesel does', async () => {
    const files = {
      '1_a/up.sql': ok, '2_b/down.sql': ok, '3_c/up.sql': ok, '3_c/extra.sql': ok, 'seed.sql': ok, '_x/up.sql': ok,
      '2017-09-23-182408_a/up.sql': ok, '20170923182408_b/up.sql': ok, 'README.md': 'x',
    };
    expect(await problems('diesel', files)).toEqual([
      { code: 'DUPLICATE_VERSION', file: '20170923182408_b/up.sql' },
      { code: 'MISSING_UP', file: '2_b/' },
      { code: 'BAD_FILENAME', file: '_x/' },
    ]);
    const good = { '1_a/up.sql': ok, '3_c/up.sql': ok, '3_c/generate.sh': 'x', '3_c/extra.sql': ok, 'seed.sql': ok };
    expect((await load('diesel', good)).map((m) => m.file)).toEqual(['1_a/up.sql', '3_c/up.sql']);
    expect(await ignoredBy('diesel', good)).toEqual({ 'seed.sql': 'ignored', '3_c/generate.sh': 'ignored', '3_c/extra.sql': 'ignored' });
  });

  it('a comment-only up.sql is a no-op and an empty one is refused, as diesel refuses it (EmptyMigration); irregular versions compare as text', async () => {
    const ms = await load('diesel', {
      '2020-12-15-000000_b/up.sql': ok, '2020-12-7-190800_a/up.sql': '-- nothing here\n', '2023-05-23-1715-no-underscore/up.sql': ok,
    });
    expect(ms.map((m) => m.version)).toEqual(['20201215000000', '2020127190800', '202305231715nounderscore']);
    expect(ms[1]).toMatchObject({ emptyIsNoOp: true });
    expect(await problems('diesel', { '1_a/up.sql': '\n  \n' })).toEqual([{ code: 'EMPTY_FILE', file: '1_a/up.sql' }]);
  });
});

describe('Prisma layout', () => {
  it('the version is the whole directory name, ordered as text; the name follows the first _', async () => {
    const ms = await load('prisma', {
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240102000000_add_posts/migration.sql': ok,
      '20240101000000_init/migration.sql': ok, '20240101000000_init/down.sql': 'DROP TABLE t;\n', '20240101000000_init/README.md': 'x',
    });
    expect(summary(ms)).toEqual([
      { version: '20240101000000_init', name: 'init', file: '20240101000000_init/migration.sql', down: '20240101000000_init/down.sql', transaction: true, repeatable: undefined },
      { version: '20240102000000_add_posts', name: 'add_posts', file: '20240102000000_add_posts/migration.sql', down: undefined, transaction: true, repeatable: undefined },
    ]);
  });

  it('a script that is one statement refusing a transaction runs without one, as PostgreSQL runs Prisma\'s script', async () => {
    const ms = await load('prisma', {
      '1_index/migration.sql': '-- CreateIndex\nCREATE INDEX CONCURRENTLY "t_id" ON "t"("id");\n',
      '2_mixed/migration.sql': 'CREATE TABLE u (id int);\nCREATE INDEX CONCURRENTLY u_id ON u (id);\n',
    });
    expect(ms.map((m) => [m.version, m.transaction])).toEqual([['1_index', false], ['2_mixed', true]]);
  });

  it('rejects a directory without migration.sql; ignores loose files and other files, as Prisma does', async () => {
    expect(await problems('prisma', { '1_a/migration.sql': ok, '2_b/notes.md': 'x', '3_c/migration.sql': ok })).toEqual([{ code: 'MISSING_UP', file: '2_b/' }]);
    const files = { '1_a/migration.sql': ok, '3_c/migration.sql': ok, '3_c/seed.sql': ok, 'init.sql': ok };
    expect((await load('prisma', files)).map((m) => m.version)).toEqual(['1_a', '3_c']);
    expect(await ignoredBy('prisma', files)).toEqual({ 'init.sql': 'ignored', '3_c/seed.sql': 'ignored' });
  });

  it('sends each file as Prisma does: a lone CONCURRENTLY or CALL without a transaction, its own BEGIN/COMMIT in cutover\'s, an empty file as a no-op', async () => {
    const enumRewrite = '-- AlterEnum\nALTER TABLE t ADD COLUMN a int;\nBEGIN;\nCREATE TYPE e AS ENUM (\'x\');\nCOMMIT;\n\n-- AlterTable\nALTER TABLE t ADD COLUMN b int;\n';
    const ms = await load('prisma', {
      '1_index/migration.sql': '-- CreateIndex\nCREATE INDEX CONCURRENTLY "i" ON "t"("id");\n',
      '2_enum/migration.sql': enumRewrite, '3_call/migration.sql': 'CALL backfill();\n', '4_empty/migration.sql': '-- This is an empty migration.',
      '5_open/migration.sql': 'BEGIN;\nCREATE TABLE u (id int);\n',
    });
    expect(ms.map((m) => [m.version, m.transaction])).toEqual([['1_index', false], ['2_enum', true], ['3_call', false], ['4_empty', true], ['5_open', true]]);
    const rewritten = ms[1]!;
    expect(rewritten.sql).not.toMatch(/BEGIN|COMMIT/);
    expect(rewritten.sql.split('\n')).toHaveLength(enumRewrite.split('\n').length);
    expect(rewritten.checksum).toBe(checksum(enumRewrite));
    // A BEGIN never committed in one query: Prisma would leave it open; the checker refuses it.
    expect(ms[4]!.sql).toContain('BEGIN;');
  });
});

describe('auto detection of these layouts', () => {
  const read = async () => '';
  it('prisma by its lock file or migration.sql, diesel by up.sql, Flyway by its names (one level down too)', async () => {
    expect((await detectFormat(['migration_lock.toml'], read)).format).toBe('prisma');
    expect((await detectFormat(['1_a/migration.sql'], read)).format).toBe('prisma');
    expect((await detectFormat(['1_a/up.sql', '1_a/down.sql'], read)).format).toBe('diesel');
    expect((await detectFormat(['V1_1__a.sql'], read)).format).toBe('flyway');
    expect((await detectFormat(['R__views.sql'], read)).format).toBe('flyway');
    expect((await detectFormat(['release-1/V1__a.sql'], read)).format).toBe('flyway');
  });
});

describe('statements that refuse a transaction', () => {
  it('are found on the text; comments, strings, dollar quotes and identifiers do not count', () => {
    expect(refusingTransaction('create index concurrently i on t (a);\nDROP INDEX CONCURRENTLY IF EXISTS j;')).toEqual([true, true]);
    expect(refusingTransaction("SELECT 'VACUUM';\n-- VACUUM\n/* VACUUM */ SELECT $x$VACUUM$x$;\nSELECT \"VACUUM\";")).toEqual([false, false, false]);
    expect(refusingTransaction('REINDEX (VERBOSE) SCHEMA app; REINDEX TABLE CONCURRENTLY t; REINDEX TABLE t;')).toEqual([true, true, false]);
    expect(refusingTransaction('ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY; ALTER TABLE p DETACH PARTITION p1;')).toEqual([true, false]);
    expect(refusingTransaction('ALTER SYSTEM SET work_mem = 1; DISCARD ALL; CREATE DATABASE x; CREATE TABLE t (a int);')).toEqual([true, true, true, false]);
  });
});

describe('bundles of directory layouts', () => {
  const diesel = {
    '00000000000000_diesel_initial_setup/up.sql': 'SELECT 0;\n',
    '2017-09-23-182408_create_users/up.sql': '\uFEFFCREATE TABLE users (id int);\r\n', '2017-09-23-182408_create_users/down.sql': 'DROP TABLE users;\n',
    '20170309122510_index/up.sql': 'CREATE INDEX CONCURRENTLY i ON users (id);\n', '20170309122510_index/metadata.toml': 'run_in_transaction = false\n',
    'README.md': 'not bundled',
  };
  const flyway = {
    'V1__users.sql': 'CREATE TABLE users (id int);\n', 'U1__users.sql': 'DROP TABLE users;\n',
    'V1_1__index.sql': 'CREATE INDEX i ON users (id);\n', 'V1_1__index.sql.conf': 'executeInTransaction=false\n',
    'R__users_view.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;\n', 'notes.txt': 'not bundled',
  };

  it.each([['diesel', diesel], ['flyway', flyway]] as const)('a %s bundle holds what the layout reads and reads as the directory does', async (format, files) => {
    const bundle = await bundleMigrations(source(files));
    expect(bundle.format).toBe(format);
    expect(bundle.files.map((f) => f.file).sort()).toEqual(Object.keys(files).filter((f) => !/README|notes/.test(f)).sort());
    const fromBundle = await loadMigrations(bundleSource(bundle.files)); // auto, as migrate({ migrations }) does
    expect(fromBundle).toEqual(bundle.migrations);
    expect(await loadMigrations(bundleSource(bundle.files), { format })).toEqual(bundle.migrations);
  });

  it('lists files in migration order, keeps the text as on disk (so every checksum matches), and exports the layout', async () => {
    const bundle = await bundleMigrations(source(diesel), { format: 'diesel' });
    expect(bundle.files.map((f) => f.file)).toEqual([
      '00000000000000_diesel_initial_setup/up.sql',
      '20170309122510_index/up.sql', '20170309122510_index/metadata.toml',
      '2017-09-23-182408_create_users/up.sql', '2017-09-23-182408_create_users/down.sql',
    ]);
    expect(bundle.files[3]!.sql).toBe('\uFEFFCREATE TABLE users (id int);\r\n');
    expect(bundle.migrations[2]!.checksum).toBe(checksum('CREATE TABLE users (id int);\n'));
    const module = renderBundle(bundle.files, { format: bundle.format });
    expect(module).toContain('export const format = "diesel";');
    expect(module).toContain('"\\ufeffCREATE TABLE users (id int);\\r\\n"');
    expect(module).not.toContain('\uFEFF');
  });

  it('an old bundle (top-level files, normalised text, no format) still loads', async () => {
    const ms = await loadMigrations(bundleSource([{ file: '1_a.sql', sql: ok }, { file: '2_b.up.sql', sql: ok }, { file: '2_b.down.sql', sql: 'DROP TABLE t;\n' }]));
    expect(ms.map((m) => [m.version, m.format, m.down?.file])).toEqual([['1', 'cutover', undefined], ['2', 'cutover', '2_b.down.sql']]);
    expect(renderBundle([{ file: '1_a.sql', sql: ok }])).not.toContain('export const format');
  });
});

describe('a migration directory named like a file', () => {
  it('a Prisma directory named `….sql` holding migration.sql is a migration; an empty one is NOT_A_FILE', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { directorySource } = await import('../../src/migrations/directory.js');
    const dir = await mkdtemp(join(tmpdir(), 'cutover-prisma-'));
    try {
      await mkdir(join(dir, '20250517173700_backfill.sql'));
      await writeFile(join(dir, '20250517173700_backfill.sql', 'migration.sql'), ok);
      await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
      expect((await loadMigrations(directorySource(dir), { format: 'prisma' })).map((m) => m.version)).toEqual(['20250517173700_backfill.sql']);
      await mkdir(join(dir, '2_x.sql'));
      await expect(directorySource(dir).list()).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
