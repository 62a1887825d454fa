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
import type { Connector, Session } from '../db/session.js';
import { ident } from '../db/sql.js';
import { dumpSchema } from './backup.js';
import { availableExtensions, createExtensionsSql, installedExtensions, splitDump } from './extensions.js';
import { compareContents, manifestLedger, schemaExists, selectedSchemas, serverInfo, tableCounts, type SchemaSelection } from './catalog.js';
import { findPgTools, toolConnection, toolFailed } from './pg-tools.js';
import type { BackupFiles, OnBackupProgress, ProcessRunner } from './ports.js';

/** What a copy needs from outside. */
export interface CopyDeps {
  connect(url: string, schema?: string): Connector;
  runner: ProcessRunner;
  files: BackupFiles;
  now: () => Date;
  /** Told as each schema's dump and load start, as the check starts, and at the end. */
  onProgress?: OnBackupProgress | undefined;
}

/** Options of {@link copySchemas}. */
export interface CopyOptions {
  from: string;
  to: string;
  /** Schemas to copy: names, `'all'` (every user schema of the source), or a `--schemas` list of names and globs. */
  schemas: SchemaSelection;
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
  /** The source database's extensions, and what became of each on the target. */
  extensions: TargetExtension[];
  /** Extensions that are not where the source has them on the target, or not available there. */
  warnings: string[];
  ok: boolean;
  durationMs: number;
}

/** One of the source's extensions on the target: created there (before the schemas), already there, or not available there. */
export interface TargetExtension {
  name: string;
  schema: string;
  status: 'created' | 'present' | 'missing';
}

/**
 * The source's extensions on the target, each in the schema it has on the
 * source. Refuses (COPY_FAILED) when one installed in a copied schema is not
 * available on the target: the schema's objects cannot load without it.
 */
async function planTargetExtensions(source: Session, target: Session, schemas: readonly string[], describe: string, warnings: string[]): Promise<TargetExtension[]> {
  const [wanted, there, available] = [await installedExtensions(source), await installedExtensions(target), await availableExtensions(target)];
  const plan: TargetExtension[] = wanted.map(({ name, schema }) => {
    const present = there.find((e) => e.name === name);
    if (present && present.schema !== schema) warnings.push(`extension ${name} is in schema "${present.schema}" on the target, "${schema}" on the source: objects that name it by schema will not load`);
    return { name, schema, status: present ? 'present' : available.has(name) ? 'created' : 'missing' };
  });
  const missing = plan.filter((e) => e.status === 'missing');
  const needed = missing.filter((e) => schemas.includes(e.schema));
  if (needed.length > 0) {
    throw new CutoverError('COPY_FAILED', `extension${needed.length === 1 ? '' : 's'} ${needed.map((e) => `"${e.name}" (in schema "${e.schema}")`).join(', ')} of the source ${needed.length === 1 ? 'is' : 'are'} not available on ${describe}`, {
      hint: 'Install the extension\'s package on the target server (e.g. postgresql-contrib, or the same version of a third-party extension), then copy again. Nothing was copied.',
      details: { extensions: needed.map((e) => e.name) },
    });
  }
  for (const e of missing) warnings.push(`extension ${e.name} (schema "${e.schema}") is not available on the target: objects that use it will not load`);
  return plan;
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
    const schemas = await selectedSchemas(source, options.schemas, fromConnector.describe);
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
    // Steps: a dump per schema, a load per schema, the check.
    const step = (done: number, what?: string) => deps.onProgress?.({ done, total: 2 * schemas.length + 1, step: what });
    const extensions = await planTargetExtensions(source, target, schemas, toConnector.describe, warnings);

    // Counts and ledgers in the snapshot the dumps use: what the target must hold.
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const expected = new Map<string, { tables: { name: string; rows: number }[]; ledger: Awaited<ReturnType<typeof manifestLedger>> }>();
    try {
      const { rows } = await source.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      for (const [i, schema] of schemas.entries()) {
        step(i, `dumping schema "${schema}"`);
        expected.set(schema, { tables: await tableCounts(source, schema), ledger: await manifestLedger(source, schema) });
        const dump = deps.files.join(temp.path, `${i}.dump`);
        await dumpSchema({ ...deps, url: options.from }, tools, schema, dump, [`--snapshot=${rows[0]!.snapshot}`]);
      }
    } finally {
      await source.query('COMMIT').catch(() => {});
    }
    const into = toolConnection(options.to, 'cutover copy');
    for (const [i, schema] of schemas.entries()) {
      step(schemas.length + i, `loading schema "${schema}"`);
      // One psql transaction per schema: the schema (unless the target has it, empty: `public`), the extensions, then its objects and rows.
      const dir = deps.files.join(temp.path, String(i));
      await deps.files.mkdir(dir);
      const { schemaSql, restSql } = await splitDump(deps.runner, deps.files, tools, deps.files.join(temp.path, `${i}.dump`), dir, 'COPY_FAILED', options.noOwner ? ['--no-owner', '--no-privileges'] : []);
      const placed = deps.files.join(dir, 'extensions.sql');
      const created = extensions.filter((e) => e.status === 'created');
      const elsewhere = i === 0 ? created.filter((e) => !schemas.includes(e.schema)) : [];
      await deps.files.writeText(placed, createExtensionsSql([...elsewhere, ...created.filter((e) => e.schema === schema)]));
      const exists = await schemaExists(target, schema);
      const result = await deps.runner.run(tools.psql, [
        '-X', '-q', '--no-password', '--set=ON_ERROR_STOP=1', '--single-transaction', `--dbname=${into.dbname}`,
        ...(exists ? [] : ['-f', schemaSql]), '-f', placed, '-f', restSql,
      ], { env: into.env });
      if (result.code !== 0) {
        throw toolFailed('COPY_FAILED', `loading schema "${schema}" into ${toConnector.describe}`, result, 'The load of that schema was rolled back. A missing role: create the roles first (pg_dumpall --globals-only), or pass --no-owner.');
      }
    }
    step(2 * schemas.length, 'checking');
    const copied: CopiedSchema[] = [];
    for (const schema of schemas) {
      const want = expected.get(schema)!;
      const got = { tables: await tableCounts(target, schema), ledger: await manifestLedger(target, schema) };
      copied.push({ schema, tables: got.tables, ledgerVersions: got.ledger.map((r) => r.version), differences: compareContents(want, got) });
    }
    step(2 * schemas.length + 1);
    const report: CopyReport = {
      from: { target: fromConnector.describe, serverVersion: from.serverVersion }, to: { target: toConnector.describe, serverVersion: to.serverVersion },
      schemas: copied, extensions, warnings, ok: copied.every((s) => s.differences.length === 0), durationMs: deps.now().getTime() - started,
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
