/**
 * What every command shares: the global flags, settings resolved once,
 * the database to use (the given URL, or the embedded dev database when none
 * is given), and output in human or `--json` form.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CutoverError } from '../errors.js';
import { readMigrations } from '../api.js';
import { parseConfigFile, resolveSettings, type SettingKey, type Settings } from '../config/settings.js';
import type { RunEvent } from '../run/events.js';
import type { CliIo } from './io.js';
import { renderEvent } from './render.js';

/** Global flags (DESIGN §1 "Command line"). */
export interface GlobalFlags {
  url?: string;
  schema?: string;
  dir?: string;
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
}

/** A command's view of the world. */
export interface Context {
  io: CliIo;
  flags: GlobalFlags;
  settings: Settings;
  /** Absolute migrations directory. */
  dir: string;
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

/** Build the context for a command from its global flags. */
export async function createContext(io: CliIo, flags: GlobalFlags): Promise<Context> {
  const file = await readConfig(io, flags.config);
  const fromFlags: Partial<Record<SettingKey, unknown>> = {
    url: flags.url, schema: flags.schema, dir: flags.dir, lockTimeout: flags.lockTimeout, statementTimeout: flags.statementTimeout,
    lockRetries: flags.lockRetries, lockWait: flags.lockWait, strict: flags.strict, allowOutOfOrder: flags.allowOutOfOrder,
    lintRules: flags.lintRules, pgVersion: flags.pgVersion, lintSmallTable: flags.lintSmallTable,
  };
  const settings = resolveSettings({ flags: fromFlags, env: io.env, ...(file ? { file } : {}) });
  const say = (text: string) => {
    if (!flags.quiet) io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  return {
    io, flags, settings, say,
    dir: isAbsolute(settings.dir) ? settings.dir : join(io.cwd, settings.dir),
    result(json, human) {
      if (flags.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      else if (!flags.quiet || human.startsWith('error')) io.stdout.write(`${human}\n`);
    },
    onEvent(event) {
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
  await readMigrations({ dir: context.dir }); // bad input is reported before a server is started
  const { startEmbedded, devDataDir } = await import('../embedded/index.js');
  const dataDir = devDataDir(context.io.cwd);
  context.say(`no --url or DATABASE_URL: using the embedded development database in ${dataDir}`);
  const server = await startEmbedded({ dataDir });
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}

/** Settings passed to library calls. */
export function runSettings(context: Context) {
  const s = context.settings;
  return {
    schema: s.schema,
    dir: context.dir,
    lockTimeoutMs: s.lockTimeoutMs,
    lockRetries: s.lockRetries,
    strict: s.strict,
    allowOutOfOrder: s.allowOutOfOrder,
    ...(s.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: s.statementTimeoutMs }),
    ...(s.lockWaitMs === undefined ? {} : { lockWaitMs: s.lockWaitMs }),
    onEvent: (event: RunEvent) => context.onEvent(event),
  };
}
