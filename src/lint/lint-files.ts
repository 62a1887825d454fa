/**
 * The linter's front door for files: lint a migrations directory (every
 * file, in version order) or the given paths, offline or — with a URL —
 * against the live catalog of the target schema.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { throwAll, type CutoverError } from '../errors.js';
import { readMigrations, type MigrationsOptions } from '../api.js';
import { pgConnector } from '../db/pg.js';
import { readScript } from '../migrations/load.js';
import type { MigrationScript } from '../migrations/types.js';
import { lintScripts, type LintOptions, type LintReport } from './engine.js';
import { loadCatalog } from './live-catalog.js';

/** Options of {@link lintMigrations}. */
export interface LintFilesOptions extends Omit<LintOptions, 'catalog'>, Pick<MigrationsOptions, 'dir' | 'format' | 'onDetect'> {
  /** Files or directories to lint instead. */
  paths?: string[];
  /** Use the live catalog of this database (sizes, constraints, column types, version). */
  url?: string;
  schema?: string;
}

async function scriptsOf(options: LintFilesOptions): Promise<MigrationScript[]> {
  const { format, onDetect } = options;
  const layout = { ...(format ? { format } : {}), ...(onDetect ? { onDetect } : {}) };
  if (!options.paths?.length) return readMigrations({ dir: options.dir ?? 'migrations', ...layout });
  const scripts: MigrationScript[] = [];
  const problems: CutoverError[] = [];
  for (const path of options.paths) {
    if ((await stat(path)).isDirectory()) {
      scripts.push(...(await readMigrations({ dir: path, ...layout })));
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
  const scripts = await scriptsOf(options);
  if (!options.url) return lintScripts(scripts, options);
  const connection = await pgConnector({ url: options.url, applicationName: 'cutover lint' }).connect();
  try {
    const catalog = await loadCatalog(connection, options.schema ?? 'public');
    return await lintScripts(scripts, { ...options, catalog });
  } finally {
    await connection.close();
  }
}
