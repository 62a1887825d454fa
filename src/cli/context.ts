/**
 * What every command shares: the global flags, settings resolved once,
 * the database to use (the given URL, or the embedded dev database when none
 * is given), and output in human or `--json` form.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { isAbsolute, join, resolve } from 'node:path';
import { cacheDirFor } from '../config/cache-dir.js';
import { CutoverError } from '../errors.js';
import type { TargetOptions } from '../target/index.js';
import { isInteractive, PG_TRIGGERS } from '../config/connection-sources.js';
import { parseConfigFile, resolveSettings, type Settings } from '../config/settings.js';
import { settingFlags } from './setting-options.js';
import type { RunEvent } from '../run/events.js';
import type { CliIo } from './io.js';
import { renderEvent } from './render.js';
import { liveRenderer } from './live.js';

/** Global flags (DESIGN §1 "Command line"). */
export interface GlobalFlags {
  url?: string;
  schema?: string;
  dir?: string;
  /** Layout and, for `lint`, output format: the flag may be given twice (`--format diesel --format github`). */
  format?: string[];
  ledger?: string;
  config?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  lockRetries?: string;
  lockWait?: string;
  strict?: boolean;
  allowOutOfOrder?: boolean;
  lintRules?: string;
  pgVersion?: string;
  lintSmallTable?: string;
  lintSince?: string;
  postPendingWarn?: string;
  /** `lint --output <format>`. */
  output?: LintOutput;
  /** `--env-file <path>`, or false for `--no-env-file`. */
  envFile?: string | false;
}

/** A command's view of the world. */
export interface Context {
  io: CliIo;
  flags: GlobalFlags;
  settings: Settings;
  /** Absolute migrations directory. */
  dir: string;
  /** `lint`'s output format, from `--output` (or, deprecated, `--format`: its values never clash with a layout's). */
  output?: LintOutput;
  /** Where migrations come from, for library calls: the directory, its layout, and who hears what `auto` chose. */
  source: Pick<TargetOptions, 'dir' | 'format' | 'onDetect' | 'onNotice' | 'onLink' | 'ledger'>;
  /** What became of the `.env` file (for NO_DATABASE's message). */
  envFileNote: string;
  /** Human text: to stderr (stdout carries only results and JSON). */
  say(text: string): void;
  /** The command's result: JSON document with --json, else `human` on stdout. */
  result(json: unknown, human: string): void;
  onEvent(event: RunEvent): void;
}

async function readConfig(io: CliIo, path: string | undefined): Promise<{ path: string; values: Record<string, unknown> } | undefined> {
  const file = path ?? 'cutover.config.json';
  const full = isAbsolute(file) ? file : join(io.cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && path === undefined) return undefined;
    throw new CutoverError('CONFIG', `cannot read config file ${file}: ${(error as Error).message}`, {
      hint: 'Check the --config path, or remove the flag to use ./cutover.config.json when present.', details: { where: file },
    });
  }
  return { path: file, values: parseConfigFile(file, text) };
}

/** `lint --format`'s values. */
export const LINT_OUTPUTS = ['pretty', 'json', 'github', 'sarif'] as const;
type LintOutput = (typeof LINT_OUTPUTS)[number];

/** Split `--format` values into a layout and a lint output format; each at most once. */
function splitFormat(values: readonly string[], command: string): { layout?: string; output?: LintOutput } {
  const outputs = values.filter((value): value is LintOutput => (LINT_OUTPUTS as readonly string[]).includes(value));
  const layouts = values.filter((value) => !(LINT_OUTPUTS as readonly string[]).includes(value));
  const usage = (message: string, hint: string) => new CutoverError('USAGE', message, { hint, details: { flag: '--format' } });
  if (outputs.length > 0 && command !== 'lint') {
    throw usage(`--format ${outputs[0]} is an output format of \`cutover lint\`, not a layout`, 'For this command --format names the layout of the migrations directory: auto, cutover, sqlx, diesel, golang-migrate, dbmate, flyway, prisma, goose, drizzle, node-pg-migrate or supabase.');
  }
  if (outputs.length > 1 || layouts.length > 1) {
    throw usage(`--format given twice for the same thing (${values.join(', ')})`, 'Give one layout and, for lint, one output format: --format diesel --format github.');
  }
  return { ...(layouts[0] ? { layout: layouts[0] } : {}), ...(outputs[0] ? { output: outputs[0] } : {}) };
}

/** `--dir` naming a file (not a missing directory, which `new` creates): a setting error before anything runs. */
async function refuseFileAsDir(dir: string, settings: Settings): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (!found || found.isDirectory()) return;
  const { origin, source } = settings.origins.dir;
  throw new CutoverError('CONFIG', `${source ?? origin}: dir = ${JSON.stringify(settings.dir)} is a file, not a directory`, {
    hint: 'Point --dir / CUTOVER_DIR / "dir" at the folder that holds the migration files, not at one file.', details: { setting: 'dir', where: source ?? origin },
  });
}

/**
 * The `.env` file (as dbmate and Prisma read it): `--env-file <path>` (must exist), else
 * `./.env` when present; `--no-env-file` reads none. `note` says what happened, for NO_DATABASE.
 */
async function readEnvFile(io: CliIo, flag: string | boolean | undefined): Promise<{ path?: string; values?: Record<string, string | undefined>; note: string }> {
  if (flag === false) return { note: '.env (not read: --no-env-file)' };
  const path = typeof flag === 'string' ? flag : '.env';
  let text: string;
  try {
    text = await readFile(isAbsolute(path) ? path : join(io.cwd, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && typeof flag !== 'string') return { note: `${path} (no such file)` };
    throw new CutoverError('CONFIG', `--env-file: cannot read ${path}: ${(error as Error).message}`, {
      hint: 'Check the path, or leave --env-file out to read ./.env when present.', details: { setting: 'envFile', where: '--env-file' },
    });
  }
  return { path, values: parseEnv(text), note: `${path} (DATABASE_URL and PG* not set there)` };
}

/** Build the context for a command from its global flags. */
export async function createContext(io: CliIo, flags: GlobalFlags, command = ''): Promise<Context> {
  const format = splitFormat(flags.format ?? [], command);
  if (format.output && !flags.quiet) io.stderr.write(`warning: lint --format ${format.output} is deprecated for the output format: use --output ${format.output} (--format names the layout, as in every command)\n`);
  const output = flags.output ?? format.output;
  if (flags.output !== undefined && format.output !== undefined) {
    throw new CutoverError('USAGE', '--output and an output format in --format both given', { hint: `Give the output format once: --output ${flags.output}.`, details: { flag: '--output' } });
  }
  const file = await readConfig(io, flags.config);
  const fromFlags = { ...settingFlags(flags as unknown as Record<string, unknown>), format: format.layout };

  const envFile = await readEnvFile(io, flags.envFile);
  const settings = resolveSettings({ flags: fromFlags, env: io.env, ...(file ? { file } : {}), ...(envFile.values ? { envFile: { path: envFile.path!, values: envFile.values } } : {}) });
  const live = io.isTTY && !flags.json && !flags.quiet ? liveRenderer(io, (event) => renderEvent(event, flags.verbose)) : undefined;
  const say = (text: string) => {
    if (!flags.quiet) io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const dir = isAbsolute(settings.dir) ? settings.dir : join(io.cwd, settings.dir);
  await refuseFileAsDir(dir, settings);
  let told = false;
  const noticed = new Set<string>();
  return {
    io, flags, settings, say, dir, envFileNote: envFile.note, ...(output ? { output } : {}),
    source: {
      dir, format: settings.format, ledger: settings.ledger,
      // Say once which layout `auto` chose, unless it is cutover's own.
      onDetect: (detection) => {
        if (told || detection.format === 'cutover') return;
        told = true;
        say(`reading ${detection.location} as ${detection.format}: ${detection.reason} (set --format to choose)`);
      },
      // A migration cutover cannot run is always said; a file the tool skips, with --verbose.
      onNotice: (notice) => {
        if (noticed.has(notice.file)) return; // the embedded database's path reads the set twice
        noticed.add(notice.file);
        if (notice.kind === 'gap') say(`warning: ${notice.file}${notice.version ? ` (version ${notice.version})` : ''} is not run by cutover: ${notice.reason}`);
        else if (flags.verbose) say(`skipped ${notice.file}: ${notice.reason}`);
      },
      // A followed symbolic link is said with --verbose (plan --verbose shows where each file comes from).
      onLink: ({ file, target }) => {
        if (flags.verbose) say(`${file} is a symbolic link: reading ${target}`);
      },
    },
    result(json, human) {
      if (flags.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      else if (!flags.quiet || human.startsWith('error')) io.stdout.write(`${human}\n`);
    },
    onEvent(event) {
      // On a terminal (not --json, not --quiet) migrations show live; piped output is unchanged.
      if (live?.(event)) return;
      const line = renderEvent(event, flags.verbose);
      if (line) say(line);
    },
  };
}

/**
 * Run `work` with a database URL: the configured one, or the embedded dev
 * database (started for the command and stopped after), saying so.
 */
export async function withDatabase<T>(context: Context, work: (url: string) => Promise<T>): Promise<T> {
  if (context.settings.url) return work(context.settings.url);
  if (!isInteractive(context.io.isTTY, context.io.env)) throw noDatabase(context);
  // Loaded here, not at start-up: commands that never touch a database (lint, new) do not load pg.
  const { readMigrations } = await import('../target/index.js');
  await readMigrations(context.source, { sum: true }); // bad input is reported before a server is started
  const { startEmbedded, devDataDir } = await import('../embedded/index.js');
  const dataDir = devDataDir(context.io.cwd);
  context.say(`no --url, DATABASE_URL, PG* or .env: using the embedded development database in ${dataDir}`);
  const server = await startEmbedded({ dataDir });
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}

/** No database given, and no one at a terminal to want the embedded one: exit 2 naming every place looked at. */
function noDatabase(context: Context): CutoverError {
  const config = context.flags.config ?? 'cutover.config.json';
  const lookedAt = ['--url', 'DATABASE_URL', PG_TRIGGERS.join('/'), context.envFileNote, `"url" in ${config}`];
  return new CutoverError('NO_DATABASE', `no database given: looked at ${lookedAt.join(', ')}`, {
    hint: `Set DATABASE_URL (or --url, or PGHOST and friends). The embedded development database is used only at a terminal outside CI${context.io.env.CI ? ` (CI=${context.io.env.CI} here)` : ''}.`,
    details: { lookedAt },
  });
}

/**
 * The verdict cache of a command (`--no-cache`, `--cache-dir`, CUTOVER_CACHE_DIR): off, or its
 * directory, resolved here so that the library's own default (the environment) never applies.
 */
export function cacheSettings(context: Context): { cache: boolean; cacheDir?: string } {
  const s = context.settings;
  const cacheDir = cacheDirFor({ cache: s.cache, cacheDir: s.cacheDir === undefined ? undefined : resolve(context.io.cwd, s.cacheDir) }, { from: context.dir, env: context.io.env });
  return cacheDir === undefined ? { cache: false } : { cache: true, cacheDir };
}

/** Settings passed to library calls. */
export function runSettings(context: Context) {
  const s = context.settings;
  return {
    schema: s.schema,
    ...cacheSettings(context),
    ...context.source,
    lockTimeoutMs: s.lockTimeoutMs,
    lockRetries: s.lockRetries,
    strict: s.strict,
    allowOutOfOrder: s.allowOutOfOrder,
    statementTimeoutMs: s.statementTimeoutMs,
    lockWaitMs: s.lockWaitMs,
    onEvent: (event: RunEvent) => context.onEvent(event),
  };
}
