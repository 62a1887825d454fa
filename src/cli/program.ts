/**
 * The commander program: global flags, and the wrapper every command's
 * action goes through (context, then the handler, then errors → exit code).
 */
import { Command } from 'commander';
import { settingOptions } from './setting-options.js';
import { applyRenames } from './renames.js';
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

export { collect } from './setting-options.js';

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
          const own = command.opts();
          applyRenames(command.name(), own, context.say);
          runner.exitCode = await handler(context, own as O, command.args);
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
    .option('--config <file>', 'config file (default ./cutover.config.json when present)')
    .option('--env-file <path>', 'read DATABASE_URL, PG* and CUTOVER_* from this file, below the environment (default ./.env when present)')
    .option('--no-env-file', 'read no .env file')
    .option('--json', 'print one JSON document on stdout; human text goes to stderr')
    .option('--verbose', 'say more')
    .option('--quiet', 'say only errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  // The settings' global flags, from the settings table.
  for (const option of settingOptions('all')) program.addOption(option);
  return program;
}
