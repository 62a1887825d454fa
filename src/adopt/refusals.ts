/**
 * Why adoption refuses, each as a {@link CutoverError} with one code and the
 * exact fix in its hint (docs/errors.md, docs/adopt.md). Refusals change
 * nothing: they are raised before the ledger is written.
 */
import { CutoverError } from '../errors.js';
import type { Migration } from '../migrations/types.js';
import { DOWN_MARKER, nodePgMigrateName } from './history/node-pg-migrate.js';
import type { EditedFile, HistoryReader, HistoryRow, RowWithoutFile, SourceTool } from './types.js';

const LIST_AT_MOST = 10;

function list(items: readonly string[]): string {
  const shown = items.slice(0, LIST_AT_MOST).join(', ');
  return items.length > LIST_AT_MOST ? `${shown} and ${items.length - LIST_AT_MOST} more` : shown;
}

/**
 * A failed or dirty row of the tool's history (golang-migrate dirty, sqlx/Flyway `success = false`, Prisma unfinished).
 *
 * @example
 * dirtyError(golangMigrateHistory, row, { table: '"public"."schema_migrations"', previous: '1' });
 */
export function dirtyError(reader: Pick<HistoryReader, 'tool' | 'fix'>, row: HistoryRow, context: { table: string; previous: string | undefined }): CutoverError {
  return new CutoverError('HISTORY_DIRTY', `${context.table}: ${reader.tool} recorded ${row.key}${row.description ? ` (${row.description})` : ''} as ${reader.tool === 'golang-migrate' ? 'dirty' : 'failed'}${reader.tool === 'sqlx' || reader.tool === 'flyway' ? ' (success = false)' : reader.tool === 'prisma' ? ' (started, never finished)' : ''}: the database may be half-way through it, so nothing was adopted`, {
    hint: reader.fix(row, context),
    details: { from: reader.tool, table: context.table, version: row.key },
  });
}

/**
 * History rows whose migrations are not in the directory (without `--allow-missing`).
 *
 * @example
 * withoutFileError('sqlx', '"public"."_sqlx_migrations"', 'migrations', rows);
 */
export function withoutFileError(tool: SourceTool, table: string, location: string, rows: readonly RowWithoutFile[]): CutoverError {
  const names = rows.map((row) => `${row.key}${row.description && row.description !== row.key ? ` (${row.description})` : ''}`);
  return new CutoverError('HISTORY_WITHOUT_FILE', `${rows.length === 1 ? 'a row' : `${rows.length} rows`} of ${table} ${rows.length === 1 ? 'has' : 'have'} no migration in ${location}: ${list(names)}`, {
    hint: 'Run adopt from the checkout that has every migration the database has (the newest app version), or pass --allow-missing to record them as applied without a file (cutover then warns that the database is ahead of the directory, as during a canary).',
    details: { from: tool, table, rows: rows.map((row) => row.key) },
  });
}

/**
 * Files changed since the tool applied them (without `--accept-edited`).
 *
 * @example
 * editedError('flyway', '"public"."flyway_schema_history"', edited);
 */
export function editedError(tool: SourceTool, table: string, edited: readonly EditedFile[]): CutoverError {
  return new CutoverError('HISTORY_EDITED', `${list(edited.map((e) => e.file))} ${edited.length === 1 ? 'was' : 'were'} edited after ${tool} applied ${edited.length === 1 ? 'it' : 'them'}: the checksum in ${table} differs from the file's`, {
    hint: 'Restore the applied version of each file (git log / git checkout), or, if the edits are harmless (comments, formatting), pass --accept-edited: the files\' current checksums are recorded and the acceptance is written to cutover_audit.',
    details: { from: tool, table, files: edited.map((e) => e.file), edited },
  });
}

/**
 * node-pg-migrate files holding a `-- Down Migration` section: cutover would
 * run both halves as one script. Found before the database is touched.
 *
 * @example
 * throwAll(combinedUpDownErrors(migrations));
 */
export function combinedUpDownErrors(migrations: readonly Migration[]): CutoverError[] {
  return migrations.flatMap((m) => {
    const match = DOWN_MARKER.exec(m.sql);
    if (!match) return [];
    // The pattern may start on a blank line before the marker: count lines up to its `--`.
    const line = m.sql.slice(0, match.index + match[0].indexOf('--')).split('\n').length;
    const stem = nodePgMigrateName(m);
    return new CutoverError('COMBINED_UP_DOWN', `${m.file}:${line}: a "-- Down Migration" section: cutover runs a file as one script, so the down half would run right after the up half`, {
      hint: `Split it: move the lines from "-- Down Migration" on into ${stem}.down.sql and rename the file to ${stem}.up.sql (node-pg-migrate names the migration ${stem} either way).`,
      details: { file: m.file, line, version: m.version },
    });
  });
}
