/**
 * The linter's front door for files: lint a migrations directory (every
 * file, in version order) or the given paths, offline or — with a URL —
 * against the live catalog of the target schema.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { throwAll, type CutoverError } from '../errors.js';
import type { MigrationsOptions } from '../target/index.js';
import { targetDir, targetSchema } from '../target/schema.js';
import { directorySource } from '../migrations/directory.js';
import { loadMigrations, readScript } from '../migrations/load.js';
import type { Migration, MigrationScript } from '../migrations/types.js';
import { versionOrder } from '../migrations/formats/index.js';
import { openParser, type Parser } from '../sql/parse-host.js';
import { toParse } from '../verdicts/index.js';
import type { LintOptions, LintReport } from './engine.js';
import { cachedReport } from './report-cache.js';

/** Options of {@link lintMigrations}. */
export interface LintFilesOptions extends Omit<LintOptions, 'catalog'>, Pick<MigrationsOptions, 'dir' | 'format' | 'onDetect' | 'onLink'> {
  /** Files or directories to lint instead. */
  paths?: string[];
  /** Use the live catalog of this database (sizes, constraints, column types, version). */
  url?: string;
  schema?: string;
  /** Baseline (`lint.since`): files of this version or older are read (the tables they create are known) but not judged. */
  since?: string;
  /** Judge only the files this accepts (`lint --changed`); the others are read but not judged. */
  only?: (file: string) => boolean;
  /** Opens the parser when some file has no verdict (default: {@link openParser}). */
  openParser?: () => Parser;
}

/** Which files get findings: newer than `since`, and accepted by `only`. */
function judged(scripts: readonly MigrationScript[], options: LintFilesOptions): ((file: string) => boolean) | undefined {
  if (options.since === undefined && !options.only) return undefined;
  const migrations = scripts as readonly Partial<Migration>[];
  const order = versionOrder(migrations[0]?.format);
  const since = options.since === undefined ? undefined : order.canonical(options.since);
  const old = new Set(since === undefined ? [] : migrations.filter((m) => m.version !== undefined && order.compare(m.version, since) <= 0).map((m) => m.file));
  return (file) => !old.has(file) && (options.only?.(file) ?? true);
}

async function scriptsOf(options: LintFilesOptions): Promise<MigrationScript[]> {
  const { format, onDetect } = options;
  const layout = { ...(format ? { format } : {}), ...(onDetect ? { onDetect } : {}) };
  // The directory reader itself, not the library's readMigrations: offline lint loads no database driver.
  const read = (dir: string) => loadMigrations(directorySource(dir, options.onLink ? { onLink: options.onLink } : {}), { ...layout, sum: 'strict' });
  if (!options.paths?.length) return read(targetDir(options));
  const scripts: MigrationScript[] = [];
  const problems: CutoverError[] = [];
  for (const path of options.paths) {
    if ((await stat(path)).isDirectory()) {
      scripts.push(...(await read(path)));
      continue;
    }
    const result = readScript(basename(path), await readFile(path));
    if (Array.isArray(result)) problems.push(...result);
    else scripts.push(result);
  }
  throwAll(problems);
  return scripts;
}

/**
 * Lint migration files.
 *
 * @example
 * const report = await lintMigrations({ dir: 'migrations', url: process.env.DATABASE_URL });
 * if (report.counts.error > 0) process.exitCode = 3;
 */
export async function lintMigrations(options: LintFilesOptions): Promise<LintReport> {
  // Without verdicts the parser starts first: it gets ready while the files are read (and the
  // catalog loaded). With them, only once some file is found without one.
  const open = options.openParser ?? (() => openParser());
  let parser = options.parser ?? (options.verdicts ? undefined : open());
  try {
    const scripts = await scriptsOf(options);
    const lintFile = judged(scripts, options);
    const lintAll = async (more: Partial<LintOptions> = {}) => {
      if (!parser && toParse(scripts, options.verdicts) > 0) parser = open();
      // The engine and its rules load only when something is linted (not for a kept report).
      const { lintScripts } = await import('./engine.js');
      return lintScripts(scripts, { ...options, parser, ...(lintFile ? { lintFile } : {}), ...more });
    };
    if (!options.url) return await (options.verdicts ? cachedReport(options.verdicts, scripts, { ...options, ...(lintFile ? { lintFile } : {}) }, lintAll) : lintAll());
    const [{ pgConnector }, { loadCatalog }] = await Promise.all([import('../db/pg.js'), import('./live-catalog.js')]);
    const connection = await pgConnector({ url: options.url, applicationName: 'cutover lint' }).connect();
    try {
      const catalog = await loadCatalog(connection, targetSchema(options));
      return await lintAll({ catalog });
    } finally {
      await connection.close();
    }
  } finally {
    if (!options.parser) parser?.close();
  }
}
