/**
 * `rehearse`: a dress rehearsal of the pending migrations on a copy.
 *
 * 1. Copy the schema (pg_dump / pg_restore, with the extensions it uses)
 *    into a new scratch database on the same server or on `scratchUrl`'s,
 *    data and all, or only its structure (`schemaOnly`).
 * 2. Run the pending migrations there one at a time, exactly as `migrate`
 *    does (runMigrations, lock and all), sampling pg_locks while each runs,
 *    and reading the rows it inserted, updated and deleted per table
 *    (rows-touched.ts) with the exact row counts before and after.
 * 3. Diff the schema (before on the source, after on the copy).
 * 4. The old-code check (old-queries.ts).
 * 5. Drop the scratch database unless `keep`.
 */
import { asCutoverError, CutoverError } from '../errors.js';
import type { Connection, Connector } from '../db/session.js';
import type { Step } from '../plan/types.js';
import { ident } from '../db/sql.js';
import { readLedger } from '../db/ledger.js';
import type { Migration } from '../migrations/types.js';
import { plan } from '../plan/plan.js';
import { runMigrations } from '../run/migrate.js';
import type { RunSettings } from '../run/context.js';
import type { OnEvent } from '../run/events.js';
import { dumpSchema, toolFailed } from './backup.js';
import { schemaExists, serverInfo, tableCounts } from './catalog.js';
import { checkOldQueries, plannable, statementsFromStats, type OldCodeReport } from './old-queries.js';
import { findPgTools, toolConnection } from './pg-tools.js';
import { conninfoKeywords, toKeywordString } from '../db/conninfo.js';
import type { BackupFiles, ProcessRunner } from './ports.js';
import { readTableStats, rowsTouched, tracksCounts, waitForOtherSessions, type TableRows } from './rows-touched.js';
import { systemClock } from '../clock.js';
import { diffSchemas, readSchemaObjects, type SchemaDiff } from './schema-diff.js';

/** What a rehearsal needs from outside. */
export interface RehearseDeps {
  /** The source database. */
  url: string;
  /** A connector to any URL, search_path pinned to `schema` when given. */
  connect(url: string, schema?: string): Connector;
  runner: ProcessRunner;
  files: BackupFiles;
  now: () => Date;
}

/** Options of {@link rehearse}. */
export interface RehearseOptions {
  schema: string;
  migrations: Migration[] | Promise<Migration[]>;
  /** A server (any database on it) for the scratch database; default: the source's server. */
  scratchUrl?: string | undefined;
  /** Copy the structure only: fast, but no row counts and no data-dependent failures. */
  schemaOnly?: boolean;
  /** Keep the scratch database (its URL is in the report). */
  keep?: boolean;
  /** The old code's queries; default: pg_stat_statements of the source, when available. */
  queries?: string[] | undefined;
  pgBin?: string | undefined;
  /** Run settings passed to the migrations (lock timeout …), resolved (src/target). */
  run: RunSettings;
}

/** One migration in the rehearsal. */
export interface MigrationRehearsal {
  version: string;
  file: string;
  phase: string;
  transaction: boolean;
  durationMs: number;
  /** How many times it was started (more than 1: retried after a lock timeout; rows count every attempt). */
  attempts: number;
  /** Relation locks seen held while it ran (sampled from pg_locks). */
  locks: { relation: string; mode: string }[];
  /** Per table it wrote to: rows inserted, updated, deleted, and the row counts before and after (see rows-touched.ts). */
  rows: TableRows[];
  /** Its error: code, message, file, line, column, sqlstate. */
  error?: Record<string, unknown>;
}

/** What {@link rehearse} reports. */
export interface RehearseReport {
  schema: string;
  source: string;
  /** Where the copy was made, and that server's version (`server_version`, e.g. `18.4` for an embedded scratch server). */
  scratch: { target: string; database: string; kept: boolean; serverVersion: string };
  schemaOnly: boolean;
  /** Why rows inserted / updated / deleted are missing or may be short (track_counts off, a session that did not end). */
  rowsNote?: string;
  copyMs: number;
  migrations: MigrationRehearsal[];
  /** Pending migrations not run (after a failure). */
  notRun: string[];
  diff: SchemaDiff;
  oldCode: OldCodeReport;
  ok: boolean;
  durationMs: number;
}

/** The same server as `url` (any form libpq takes), database `database`: a keyword string. */
function withDatabase(url: string, database: string): string {
  return toKeywordString({ ...conninfoKeywords(url), dbname: database });
}

/** A structure-only copy has an empty ledger: give it the source's rows, or every migration would look pending. */
async function copyLedgerRows(source: Connection, copy: Connection, schema: string): Promise<void> {
  for (const table of ['cutover_migrations', '_sqlx_migrations', 'cutover_audit']) {
    const name = `${ident(schema)}.${ident(table)}`;
    const { rows: exists } = await source.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
    if (exists[0]?.t == null) continue;
    const { rows } = await source.query<{ rows: unknown }>(`SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]') AS rows FROM ${name} t`);
    await copy.query(`INSERT INTO ${name} SELECT * FROM jsonb_populate_recordset(NULL::${name}, $1::jsonb)`, [JSON.stringify(rows[0]!.rows)]);
  }
}

/** Poll pg_locks on `connection` until stopped; the relation locks other sessions held. */
function sampleLocks(connection: Connection): { stop(): Promise<{ relation: string; mode: string }[]> } {
  const seen = new Map<string, { relation: string; mode: string }>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await connection.query<{ relation: string; mode: string }>(
        `SELECT DISTINCT n.nspname || '.' || c.relname AS relation, l.mode
           FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_toast'`,
      ).catch(() => ({ rows: [] as { relation: string; mode: string }[] }));
      for (const row of rows) seen.set(`${row.relation} ${row.mode}`, row);
      await systemClock.sleep(10);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()].sort((a, b) => (a.relation + a.mode < b.relation + b.mode ? -1 : 1));
    },
  };
}

/** What {@link runOneByOne} works with. */
interface StepsContext {
  deps: RehearseDeps;
  options: RehearseOptions;
  schema: string;
  /** Connects the migrations to the copy. */
  connector: Connector;
  /** The rehearsal's own two sessions on the copy: one reads, one samples pg_locks. */
  copy: Connection;
  sampler: Connection;
  migrations: Migration[];
  steps: Step[];
}

/**
 * Run the pending migrations one at a time (`to` each version in turn), so
 * locks and rows can be told apart; after a failure the rest are not run.
 * With no step, one run reports what the history check found.
 */
async function runOneByOne(ctx: StepsContext): Promise<{ results: MigrationRehearsal[]; notRun: string[]; rowsNote?: string }> {
  const { copy, sampler, schema } = ctx;
  const counting = await tracksCounts(copy);
  const own: number[] = [];
  for (const session of [copy, sampler]) own.push((await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  let rowsNote = counting ? undefined : 'track_counts is off on the scratch server: rows inserted, updated and deleted are not counted, only the row counts before and after';
  // Every other session must have ended (and so flushed its counters, rows-touched.ts) before a reading:
  // pg_restore's before the first, the migration's before each next one.
  const settle = async (after: string) => {
    const left = await waitForOtherSessions(copy, own, systemClock.sleep);
    if (left.length > 0) rowsNote ??= `session${left.length === 1 ? '' : 's'} ${left.join(', ')} still connected to the scratch database after ${after}: rows written there may be missing`;
  };
  const read = async () => ({ counts: await tableCounts(copy, schema), ...(counting ? { stats: await readTableStats(copy, schema) } : {}) });
  await settle('the copy');
  let last = await read();
  const results: MigrationRehearsal[] = [];
  const notRun: string[] = [];
  for (const step of ctx.steps.length ? ctx.steps : [undefined]) {
    if (results.some((r) => r.error)) {
      if (step) notRun.push(step.migration.file);
      continue;
    }
    let attempts = 0;
    const onEvent: OnEvent = (event) => {
      if (event.type === 'migration-started') attempts++;
      ctx.options.run.onEvent?.(event);
    };
    const locks = sampleLocks(sampler);
    const t0 = ctx.deps.now().getTime();
    let error: Record<string, unknown> | undefined;
    try {
      await runMigrations(ctx.connector, ctx.migrations, { ...ctx.options.run, onEvent, schema, phase: 'all', to: step?.migration.version });
    } catch (caught) {
      const e = asCutoverError(caught);
      error = e instanceof CutoverError ? e.toJSON() : { message: String(e) };
    }
    const durationMs = ctx.deps.now().getTime() - t0;
    const held = await locks.stop();
    if (!step) {
      if (error) results.push({ version: '', file: '(history)', phase: 'pre', transaction: true, durationMs: 0, attempts: 0, locks: [], rows: [], error });
      break;
    }
    await settle(step.migration.file);
    const next = await read();
    results.push({
      version: step.migration.version, file: step.migration.file, phase: step.migration.phase, transaction: step.migration.transaction,
      durationMs, attempts, locks: held, rows: rowsTouched(last, next), ...(error ? { error } : {}),
    });
    last = next;
  }
  return { results, notRun, ...(rowsNote ? { rowsNote } : {}) };
}

/**
 * Rehearse the pending migrations on a copy. Throws REHEARSAL_FAILED
 * (exit 3, `report` attached) when a migration fails or an old query breaks.
 *
 * @example
 * const report = await rehearse(deps, { schema: 'public', migrations, queries: ['SELECT email FROM users'] });
 */
export async function rehearse(deps: RehearseDeps, options: RehearseOptions): Promise<RehearseReport> {
  const started = deps.now().getTime();
  const { schema } = options;
  const sourceConnector = deps.connect(deps.url, schema);
  const scratchServer = options.scratchUrl ?? deps.url;
  const source = await sourceConnector.connect();
  const admin = await deps.connect(scratchServer).connect();
  const temp = await deps.files.tempDir();
  const database = `cutover_rehearse_${deps.now().toISOString().replace(/\D/g, '')}`;
  const scratchUrl = withDatabase(scratchServer, database);
  let created = false;
  const opened: Connection[] = [];
  try {
    const [from, to] = [await serverInfo(source), await serverInfo(admin)];
    const tools = await findPgTools(deps.runner, deps.files, { pgBin: options.pgBin, serverMajor: from.major, preferMajor: to.major, target: sourceConnector.describe });
    const before = await readSchemaObjects(source, schema);
    const { rows: extensions } = await source.query<{ name: string }>(`SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`);

    const copyStarted = deps.now().getTime();
    await admin.query(`CREATE DATABASE ${ident(database)}`);
    created = true;
    // A schema that does not exist yet (a first deploy) is rehearsed on an empty database.
    const exists = await schemaExists(source, schema);
    const dump = deps.files.join(temp.path, 'source.dump');
    if (exists) await dumpSchema({ ...deps, url: deps.url }, tools, schema, dump, [...extensions.map((e) => `--extension="${e.name.replace(/"/g, '""')}"`), ...(options.schemaOnly ? ['--schema-only'] : [])]);
    const target = toolConnection(scratchUrl, 'cutover rehearse');
    const restored = exists ? await deps.runner.run(tools.pgRestore, ['--no-owner', '--no-privileges', '--clean', '--if-exists', '--exit-on-error', '--no-password', `--dbname=${target.dbname}`, dump], { env: target.env }) : { code: 0, stdout: '', stderr: '' };
    if (restored.code !== 0) throw toolFailed('RESTORE_FAILED', `copying schema "${schema}" into the scratch database ${database}`, restored, 'Does the schema depend on objects in other schemas (types, tables)? The rehearsal copies one schema and the extensions it uses.');
    const copyMs = deps.now().getTime() - copyStarted;

    const scratchConnector = deps.connect(scratchUrl, schema);
    const copy = await scratchConnector.connect();
    const sampler = await scratchConnector.connect();
    opened.push(copy, sampler);
    if (options.schemaOnly && exists) await copyLedgerRows(source, copy, schema);
    const migrations = await options.migrations;
    const { steps } = plan(migrations, (await readLedger(copy, schema, { kind: options.run.ledger, migrations })) ?? [], { phase: 'all', allowOutOfOrder: options.run.allowOutOfOrder, strict: options.run.strict });
    // The old code's queries, and which of them plan before any migration: on the source and on the copy (another major may differ).
    const stats = options.queries ? undefined : await statementsFromStats(source);
    const queries = options.queries ? { source: 'file' as const, queries: options.queries, own: 0 } : stats && 'queries' in stats ? { source: 'pg_stat_statements' as const, ...stats } : undefined;
    const planned = queries ? await plannable([source, copy], queries.queries) : undefined;
    const { results, notRun, rowsNote } = await runOneByOne({ deps, options, schema, connector: scratchConnector, copy, sampler, migrations, steps });

    const diff = diffSchemas(before, await readSchemaObjects(copy, schema));
    const oldCode: OldCodeReport = queries && planned
      ? await checkOldQueries(copy, planned, queries)
      : { source: 'none', note: stats && 'note' in stats ? stats.note : '', checked: 0, skipped: 0, own: 0, broken: [] };
    const ok = !results.some((r) => r.error) && oldCode.broken.length === 0;
    const report: RehearseReport = {
      schema, source: sourceConnector.describe, scratch: { target: scratchConnector.describe, database, kept: options.keep === true, serverVersion: to.serverVersion },
      schemaOnly: options.schemaOnly === true, ...(rowsNote ? { rowsNote } : {}), copyMs, migrations: results, notRun, diff, oldCode, ok, durationMs: deps.now().getTime() - started,
    };
    if (!ok) {
      const failed = results.find((r) => r.error);
      const error = new CutoverError<RehearseReport>('REHEARSAL_FAILED', [
        ...(failed ? [`${failed.file} failed on the copy: ${String(failed.error!.message).split('\n')[0]}`] : []),
        ...(oldCode.broken.length ? [`${oldCode.broken.length} quer${oldCode.broken.length === 1 ? 'y' : 'ies'} of the current app no longer plan${oldCode.broken.length === 1 ? 's' : ''} after the migrations: ${oldCode.broken.map((b) => b.error).join('; ')}`] : []),
      ].join('\n'), {
        hint: failed ? 'Fix the migration and rehearse again; production was not touched.' : 'Split the change: keep what the old code needs until every instance runs the new code (expand now, contract with --phase post later).',
        details: { schema, ...(failed ? { file: failed.file, version: failed.version } : {}), brokenQueries: oldCode.broken.length },
      });
      error.report = report;
      throw error;
    }
    return report;
  } finally {
    for (const connection of opened) await connection.close();
    await source.close();
    if (created && !options.keep) await admin.query(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`).catch(() => {});
    await admin.close();
    await temp.remove();
  }
}
