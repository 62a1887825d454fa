/**
 * `cutover new` in each layout, read back: the files it writes sit beside
 * a tool's existing migrations, are detected as that layout, sort after
 * them, and carry "no transaction" in the layout's own form.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/api.js';
import type { FormatId } from '../../src/migrations/formats/types.js';
import { cli } from '../support/cli.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function seeded(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cutover-new-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const DBMATE = '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 0;\n';
const SEEDS: [FormatId, Record<string, string>, string[]][] = [
  ['cutover', { '20260101000000_init.sql': 'SELECT 1;\n' }, []],
  ['sqlx', { '1_create users.sql': 'SELECT 1;\n' }, ['--format', 'sqlx']],
  ['golang-migrate', { '000001_init.up.sql': 'SELECT 1;\n', '000001_init.down.sql': 'SELECT 0;\n' }, []],
  ['dbmate', { '20260101000000_init.sql': DBMATE }, []],
  ['flyway', { 'V1__init.sql': 'SELECT 1;\n', 'V1_1__more.sql': 'SELECT 1;\n' }, []],
  ['diesel', { '2026-01-01-000000_init/up.sql': 'SELECT 1;\n', '2026-01-01-000000_init/down.sql': 'SELECT 0;\n' }, []],
  ['prisma', { 'migration_lock.toml': 'provider = "postgresql"\n', '20260101000000_init/migration.sql': 'SELECT 1;\n' }, []],
];

describe('cutover new in another layout', () => {
  it.each(SEEDS)('%s: written in the layout, read back after the others, without a transaction', async (format, files, flags) => {
    const dir = await seeded(files);
    const result = await cli(['new', 'add thing', '--no-transaction', '--json', '--dir', dir, ...flags]);
    expect(result.code, result.stderr).toBe(0);
    const written = JSON.parse(result.stdout) as { format: string; files: string[] };
    expect(written.format).toBe(format);
    // Give the new up script a statement (dbmate: inside its up section).
    const up = written.files[0]!;
    const text = await readFile(up, 'utf8');
    await writeFile(up, format === 'dbmate' ? text.replace(/(-- migrate:up[^\n]*\n)/, '$1SELECT 2;\n') : `${text}SELECT 2;\n`);

    const migrations = await readMigrations({ dir, format: format === 'sqlx' ? 'sqlx' : 'auto' });
    expect(migrations.map((m) => m.format)).toEqual(migrations.map(() => format));
    expect(migrations).toHaveLength(Object.keys(files).filter((f) => /(^|\/)(V|\d)[^/]*\.sql$|\/up\.sql$|migration\.sql$/.test(f) && !f.endsWith('.down.sql')).length + 1);
    const last = migrations.at(-1)!;
    expect(last.name.replace(/ /g, '_')).toBe('add_thing');
    expect(last.transaction).toBe(false);
    expect(last.sql).toContain('SELECT 2;');
  });

  it('prisma refuses --reversible (no down scripts), writing nothing', async () => {
    const dir = await seeded(SEEDS[6]![1]);
    const result = await cli(['new', 'x', '--reversible', '--dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('USAGE');
    expect((await readMigrations({ dir })).length).toBe(1);
  });
});
