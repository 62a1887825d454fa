/**
 * `cutover rollback --to` (issue 6, item 3): down files when they all
 * exist; else the newest backup whose ledger stops at the target, named
 * with its age and restored after confirmation; else a refusal naming what
 * is missing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { backupTestbed, fingerprint } from './support.js';

const schema = testSchema();
const S = ident(schema);
const bed = backupTestbed('rollback');
const cutover = (dir: string, ...args: string[]) => bed.cutover(dir, ...args, '--schema', schema);

const ledger = async () => (await query<{ version: string }>(bed.db.url, `SELECT version FROM ${S}.cutover_migrations ORDER BY version::bigint`)).map((r) => r.version);

it('runs the down files when every one exists', async () => {
  const dir = await migrationsDir({
    '0001_notes.sql': 'CREATE TABLE notes (id int);\n',
    '0002_tags.up.sql': 'CREATE TABLE tags (id int);\n',
    '0002_tags.down.sql': 'DROP TABLE tags;\n',
  });
  expect((await cutover(dir, 'migrate')).code).toBe(0);
  const { code, json } = await cutover(dir, 'rollback', '--to', '1');
  expect(code).toBe(0);
  expect(json.applied.map((s: { migration: { direction: string } }) => s.migration.direction)).toEqual(['down']);
  expect(await ledger()).toEqual(['1']);
});

it('without down files, restores the newest backup at the target version after confirmation', async () => {
  const dir = await migrationsDir({ '0001_notes.sql': "CREATE TABLE notes (id int, body text);\nINSERT INTO notes VALUES (1, 'one'), (2, 'two');\n" });
  expect((await cutover(dir, 'migrate', '--backup')).code).toBe(0); // nothing existed yet: a backup at version 0
  const atOne = await cutover(dir, 'backup');
  expect(atOne.code).toBe(0);
  const before = await fingerprint(bed.db.url, `${S}.notes`);
  await writeFile(join(dir, '0002_contract.sql'), "-- cutover:phase post\nALTER TABLE notes DROP COLUMN body;\nINSERT INTO notes VALUES (3);\n");
  const migrated = await cutover(dir, 'migrate', '--backup');
  expect(migrated.code, migrated.stderr).toBe(0);
  expect(migrated.stderr).toContain('backed up schema');
  expect(await ledger()).toEqual(['1', '2']);

  const refused = await cutover(dir, 'rollback', '--to', '1');
  expect(refused.code).toBe(2);
  expect(refused.error.code).toBe('CONFIRMATION_REQUIRED');
  expect(refused.stderr).toMatch(/restore backup \S+ of schema .* taken (less than a second|\d+ seconds?) ago/);
  expect(await ledger()).toEqual(['1', '2']);

  const done = await cutover(dir, 'rollback', '--to', '1', '--yes');
  expect(done.code, done.stderr).toBe(0);
  expect(done.json).toMatchObject({ via: 'backup', ledgerVersion: '1' });
  // The newest backup at version 1 is the one `migrate --backup` took just before 0002, not the older manual one.
  expect(done.json.backup.id).not.toBe(atOne.json.backups[0].manifest.id);
  expect(await ledger()).toEqual(['1']);
  expect(await fingerprint(bed.db.url, `${S}.notes`)).toEqual(before);
});

it('refuses, saying what is missing, when neither down files nor a matching backup exist', async () => {
  const dir = await migrationsDir({ '0001_notes.sql': 'CREATE TABLE notes (id int);\n', '0002_more.sql': 'CREATE TABLE more (id int);\n' });
  expect((await cutover(dir, 'migrate')).code).toBe(0);
  expect((await cutover(dir, 'backup')).code).toBe(0); // at version 2: no use for --to 1
  const { code, error } = await cutover(dir, 'rollback', '--to', '1', '--yes');
  expect(code).toBe(1);
  expect(error).toMatchObject({ code: 'NOT_REVERSIBLE', to: '1', backupsOfSchema: 1 });
  expect(error.message).toContain('0002_more.sql has no down script');
  expect(error.message).toContain('stops at version 1');
  expect(await ledger()).toEqual(['1', '2']);
});
