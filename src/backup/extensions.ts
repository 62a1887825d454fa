/**
 * Extensions and schema dumps. `pg_dump --schema` leaves extensions out,
 * while the schema's objects use them by name (`public.citext`) and its
 * functions find them through search_path (`digest()`), so restoring and
 * copying must put them where the objects expect them:
 *
 * - an extension installed IN the schema being restored moves with the
 *   schema's name: restored beside the live schema, the dump's objects are
 *   created while it sits in the new copy (so `public.citext` resolves),
 *   it goes back to the live schema until the swap, and the swap moves it
 *   into the restored one (`ALTER EXTENSION … SET SCHEMA`, one transaction);
 * - an extension the database lacks (restored elsewhere, copied to another
 *   server) is created first, in the schema it had.
 *
 * The dump's SQL is cut in two (pg_restore's table of contents): the schema
 * itself, then everything else, so extensions can be placed in between.
 */
import { ident } from '../db/sql.js';
import type { Session } from '../db/session.js';
import { toolFailed, type PgTools } from './pg-tools.js';
import type { BackupFiles, ProcessRunner } from './ports.js';

/** An extension of a database: where it is installed, and whether it can move. */
export interface InstalledExtension {
  name: string;
  schema: string;
  version: string;
  relocatable: boolean;
}

/** Every extension of the connected database but plpgsql (always there), by name. */
export async function installedExtensions(session: Session): Promise<InstalledExtension[]> {
  const { rows } = await session.query<InstalledExtension>(
    `SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version, e.extrelocatable AS relocatable
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.extname`,
  );
  return rows;
}

/** The extensions a server can install (`pg_available_extensions`). */
export async function availableExtensions(session: Session): Promise<Set<string>> {
  const { rows } = await session.query<{ name: string }>('SELECT name FROM pg_available_extensions');
  return new Set(rows.map((r) => r.name));
}

/** `CREATE SCHEMA IF NOT EXISTS` + `CREATE EXTENSION IF NOT EXISTS … WITH SCHEMA` for each. */
export function createExtensionsSql(extensions: readonly Pick<InstalledExtension, 'name' | 'schema'>[]): string {
  return extensions.map((e) => `CREATE SCHEMA IF NOT EXISTS ${ident(e.schema)};\nCREATE EXTENSION IF NOT EXISTS ${ident(e.name)} WITH SCHEMA ${ident(e.schema)};\n`).join('');
}

/** `ALTER EXTENSION … SET SCHEMA` for each. */
export function moveExtensionsSql(names: readonly string[], to: string): string {
  return names.map((name) => `ALTER EXTENSION ${ident(name)} SET SCHEMA ${ident(to)};\n`).join('');
}

/** A dump as two SQL scripts: the schema's own entry (CREATE SCHEMA, its owner), and the rest. */
export interface SplitDump {
  schemaSql: string;
  restSql: string;
}

/**
 * Write the dump's SQL as two scripts in `dir` (see {@link SplitDump}).
 * `extra` goes to pg_restore (`--no-owner`, `--no-privileges`).
 *
 * @example
 * const { schemaSql, restSql } = await splitDump(runner, files, tools, 'x.dump', temp.path, 'RESTORE_FAILED');
 */
export async function splitDump(
  runner: ProcessRunner, files: BackupFiles, tools: PgTools, dump: string, dir: string,
  code: 'RESTORE_FAILED' | 'COPY_FAILED', extra: readonly string[] = [],
): Promise<SplitDump> {
  const hint = 'Is the dump from a newer pg_dump than this pg_restore? Point --pg-bin at newer client programs. Nothing was changed.';
  const toc = await runner.run(tools.pgRestore, ['--list', dump]);
  if (toc.code !== 0) throw toolFailed(code, 'pg_restore --list (reading the dump)', toc, hint);
  // Entry lines: `<id>; <catalog oid> <oid> <TYPE> <namespace> <name> <owner>`; comments start with `;`.
  const entries = toc.stdout.split('\n').filter((line) => /^\d+;/.test(line));
  const isSchema = (line: string) => /^\d+;\s+\d+\s+\d+\s+SCHEMA\s+-\s/.test(line);
  const written: string[] = [];
  for (const [name, lines] of [['schema', entries.filter(isSchema)], ['rest', entries.filter((l) => !isSchema(l))]] as const) {
    const list = files.join(dir, `${name}.list`);
    const sql = files.join(dir, `${name}.sql`);
    await files.writeText(list, `${lines.join('\n')}\n`);
    await files.createPrivate(sql);
    const result = await runner.run(tools.pgRestore, [`--use-list=${list}`, `--file=${sql}`, ...extra, dump]);
    if (result.code !== 0) throw toolFailed(code, 'pg_restore (reading the dump)', result, hint);
    written.push(sql);
  }
  return { schemaSql: written[0]!, restSql: written[1]! };
}
