/**
 * `copy`: move schemas from one server to another by dump and reload (the
 * documented way across major versions,
 * https://www.postgresql.org/docs/current/upgrading.html), then verify:
 * the same ledger, the same tables, the same row count per table, read on
 * the source in the dump's own snapshot. Differences are reported
 * (COPY_MISMATCH, exit 3). A schema that already holds objects on the
 * target is refused: nothing there is overwritten.
 */
import { CutoverError } from '../errors.js';
import type { Connector } from '../db/session.js';
import { ident } from '../db/sql.js';
import { dumpSchema, toolFailed } from './backup.js';
import { compareContents, manifestLedger, schemaExists, serverInfo, tableCounts, userSchemas } from './catalog.js';
import { findPgTools, toolConnection } from './pg-tools.js';
import type { BackupFiles, ProcessRunner } from './ports.js';

/** What a copy needs from outside. */
export interface CopyDeps {
  connect(url: string, schema?: string): Connector;
  runner: ProcessRunner;
  files: BackupFiles;
  now: () => Date;
}

/** Options of {@link copySchemas}. */
export interface CopyOptions {
  from: string;
  to: string;
  /** Schemas to copy; `'all'`: every user schema of the source. */
  schemas: readonly string[] | 'all';
  /** Leave out owners and grants (the target lacks the source's roles). */
  noOwner?: boolean;
  pgBin?: string | undefined;
}

/** One schema copied, and what the check found. */
export interface CopiedSchema {
  schema: string;
  tables: { name: string; rows: number }[];
  ledgerVersions: string[];
  /** Differences between source and target ([] when verified). */
  differences: string[];
}

/** What {@link copySchemas} reports. */
export interface CopyReport {
  from: { target: string; serverVersion: string };
  to: { target: string; serverVersion: string };
  schemas: CopiedSchema[];
  /** Extensions the source uses that could not be created on the target. */
  warnings: string[];
  ok: boolean;
  durationMs: number;
}

/**
 * Copy and verify.
 *
 * @example
 * const report = await copySchemas(deps, { from: oldUrl, to: newUrl, schemas: 'all' });
 */
export async function copySchemas(deps: CopyDeps, options: CopyOptions): Promise<CopyReport> {
  const started = deps.now().getTime();
  const fromConnector = deps.connect(options.from);
  const toConnector = deps.connect(options.to);
  const source = await fromConnector.connect();
  const target = await toConnector.connect();
  const temp = await deps.files.tempDir();
  try {
    const [from, to] = [await serverInfo(source), await serverInfo(target)];
    const tools = await findPgTools(deps.runner, deps.files, { pgBin: options.pgBin, serverMajor: from.major, preferMajor: to.major, target: fromConnector.describe });
    const schemas = options.schemas === 'all' ? await userSchemas(source) : [...options.schemas];
    for (const schema of schemas) {
      if (!(await schemaExists(source, schema))) throw new CutoverError('COPY_FAILED', `schema "${schema}" does not exist in ${fromConnector.describe}`, { hint: 'Check --schemas.', details: { schema } });
      const { rows } = await target.query<{ n: string }>('SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1', [schema]);
      if (Number(rows[0]!.n) > 0) {
        throw new CutoverError('COPY_FAILED', `schema "${schema}" already holds objects in ${toConnector.describe}: refusing to overwrite it`, {
          hint: 'Copy into an empty database (createdb on the new server), or drop that schema there first.', details: { schema },
        });
      }
    }
    const warnings: string[] = [];
    const { rows: extensions } = await source.query<{ name: string }>(`SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`);
    for (const { name } of extensions) {
      await target.query(`CREATE EXTENSION IF NOT EXISTS ${ident(name)}`).catch((error: Error) => warnings.push(`extension ${name}: ${error.message}`));
    }

    // Counts and ledgers in the snapshot the dumps use: what the target must hold.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const expected = new Map<string, { tables: { name: string; rows: number }[]; ledger: Awaited<ReturnType<typeof manifestLedger>> }>();
    try {
      const { rows } = await source.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      for (const [i, schema] of schemas.entries()) {
        expected.set(schema, { tables: await tableCounts(source, schema), ledger: await manifestLedger(source, schema) });
        const dump = deps.files.join(temp.path, `${i}.dump`);
        await dumpSchema({ ...deps, url: options.from }, tools, schema, dump, [`--snapshot=${rows[0]!.snapshot}`]);
      }
    } finally {
      await source.query('COMMIT').catch(() => {});
    }
    const into = toolConnection(options.to, 'cutover copy');
    for (const [i, schema] of schemas.entries()) {
      const result = await deps.runner.run(tools.pgRestore, [
        '--clean', '--if-exists', '--exit-on-error', '--single-transaction', '--no-password', ...(options.noOwner ? ['--no-owner', '--no-privileges'] : []),
        `--dbname=${into.dbname}`, deps.files.join(temp.path, `${i}.dump`),
      ], { env: into.env });
      if (result.code !== 0) {
        throw toolFailed('COPY_FAILED', `loading schema "${schema}" into ${toConnector.describe}`, result, 'The load of that schema was rolled back. A missing role: create the roles first (pg_dumpall --globals-only), or pass --no-owner.');
      }
    }
    const copied: CopiedSchema[] = [];
    for (const schema of schemas) {
      const want = expected.get(schema)!;
      const got = { tables: await tableCounts(target, schema), ledger: await manifestLedger(target, schema) };
      copied.push({ schema, tables: got.tables, ledgerVersions: got.ledger.map((r) => r.version), differences: compareContents(want, got) });
    }
    const report: CopyReport = {
      from: { target: fromConnector.describe, serverVersion: from.serverVersion }, to: { target: toConnector.describe, serverVersion: to.serverVersion },
      schemas: copied, warnings, ok: copied.every((s) => s.differences.length === 0), durationMs: deps.now().getTime() - started,
    };
    if (!report.ok) {
      const bad = copied.filter((s) => s.differences.length > 0);
      const error = new CutoverError<CopyReport>('COPY_MISMATCH', `the copy differs from the source: ${bad.map((s) => `schema "${s.schema}": ${s.differences.join('; ')}`).join(' | ')}`, {
        hint: 'Were the tables written to during the copy by something outside the dump? Compare, then copy again into an empty database.',
        details: { schemas: bad.map((s) => ({ schema: s.schema, differences: s.differences })) },
      });
      error.report = report;
      throw error;
    }
    return report;
  } finally {
    await temp.remove();
    await source.close();
    await target.close();
  }
}
