/**
 * The commander program: global flags, and the wrapper every command's
 * action goes through (context, then the handler, then errors → exit code).
 */
import { Command, Option } from 'commander';
import { asCutoverError, CutoverError, exitCodeFor, EXIT, type ExitCode } from '../errors.js';
import { createContext, type Context, type GlobalFlags } from './context.js';
import type { CliIo } from './io.js';
import { renderError } from './render.js';

/** A command's handler: returns an exit code (0 done, 3 a check did not pass). */
export type Handler<O> = (context: Context, options: O, args: string[]) => Promise<ExitCode | number>;

/** Shared state of one `main` call: the exit code the action set (`exec`: its child's, any number). */
export interface Runner {
  io: CliIo;
  exitCode: ExitCode | number;
  /** Wrap a handler as a commander action. */
  action<O>(handler: Handler<O>): (...args: unknown[]) => Promise<void>;
}

/** Report an error in the form asked for (JSON on stdout, or text on stderr). */
export function reportError(io: CliIo, caught: unknown, json: boolean): ExitCode {
  const error = asCutoverError(caught);
  if (json) {
    const body = error instanceof CutoverError ? { ...error.toJSON(), ...(error.report ? { report: error.report } : {}) } : { code: 'INTERNAL', message: String(error) };
    io.stdout.write(`${JSON.stringify({ ok: false, error: body }, null, 2)}\n`);
  }
  io.stderr.write(`${renderError(error)}\n`);
  return exitCodeFor(error);
}

/** Commander collector for a flag that may be given more than once (`--format`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Make the runner for one `main` call. */
export function createRunner(io: CliIo): Runner {
  const runner: Runner = {
    io,
    exitCode: EXIT.ok,
    action<O>(handler: Handler<O>) {
      return async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const flags = command.optsWithGlobals() as GlobalFlags & O;
        try {
          const context = await createContext(io, flags, command.name());
          runner.exitCode = await handler(context, command.opts() as O, command.args);
        } catch (error) {
          runner.exitCode = reportError(io, error, flags.json === true);
        }
      };
    },
  };
  return runner;
}

/** The root program with the global flags. */
export function createProgram(io: CliIo, version: string): Command {
  const program = new Command('cutover')
    .description('Safe, boring PostgreSQL migrations: versioned SQL, expand/contract phases, lock-safe execution.')
    .version(version, '-V, --version')
    .option('--url <url>', 'database URL (env DATABASE_URL); without it, the embedded dev database')
    .option('--schema <name>', 'target schema (env DB_SCHEMA, default public)')
    .option('--dir <path>', 'migrations directory (env CUTOVER_DIR, default ./migrations)')
    .option('--format <layout>', 'layout of the migrations directory: auto (default), cutover, sqlx, diesel, golang-migrate, dbmate, flyway, prisma, goose, drizzle, node-pg-migrate, supabase', collect)
    .option('--ledger <kind>', 'history table: cutover (default) or sqlx (share _sqlx_migrations with sqlx::migrate!; env CUTOVER_LEDGER)')
    .option('--config <file>', 'config file (default ./cutover.config.json when present)')
    .option('--env-file <path>', 'read DATABASE_URL, PG* and CUTOVER_* from this file, below the environment (default ./.env when present)')
    .option('--no-env-file', 'read no .env file')
    .option('--json', 'print one JSON document on stdout; human text goes to stderr')
    .option('--verbose', 'say more')
    .option('--quiet', 'say only errors')
    .addOption(new Option('--lock-timeout <duration>', 'lock_timeout per migration transaction, after a ramp from 100ms (default 500ms)'))
    .addOption(new Option('--statement-timeout <duration>', "statement_timeout for migrations (default: the server's)"))
    .addOption(new Option('--lock-retries <n>', 'retries after a lock timeout, on a growing schedule (default 40)'))
    .addOption(new Option('--lock-wait <duration>', "give up waiting for another run's migration lock after this long"))
    .option('--strict', 'the database ahead of the directory is an error')
    .option('--allow-out-of-order', 'allow pending migrations older than applied ones')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  return program;
}
