/**
 * `main(argv, io)`: the whole CLI as a function returning an exit code.
 * Nothing below it prints or exits; bin.ts connects it to the process.
 */
import { CommanderError, type Command } from 'commander';
import { CutoverError, EXIT, type ExitCode } from '../errors.js';
import type { CliIo } from './io.js';
import { createProgram, createRunner, reportError, type Runner } from './program.js';

/** What each file in commands/ exports. */
interface CommandModule {
  register(program: Command, runner: Runner): void;
}

/**
 * Every command, in the order `--help` lists them, each loaded only when needed: a run pays
 * for the modules of the command it runs (a no-op `migrate` at every boot, `lint` in an editor),
 * not for all of them (backups, the HTTP server, the fleet runner, …).
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  new: () => import('./commands/new.js'),
  migrate: () => import('./commands/migrate.js'),
  plan: () => import('./commands/plan.js'),
  status: () => import('./commands/status.js'),
  resolve: () => import('./commands/resolve.js'),
  rollback: () => import('./commands/rollback.js'),
  lint: () => import('./commands/lint.js'),
  sum: () => import('./commands/sum.js'),
  dev: () => import('./commands/dev.js'),
  bundle: () => import('./commands/bundle.js'),
  config: () => import('./commands/config.js'),
  instances: () => import('./commands/instances.js'),
  wait: () => import('./commands/wait.js'),
  exec: () => import('./commands/exec.js'),
  notes: () => import('./commands/notes.js'),
  serve: () => import('./commands/serve.js'),
  dashboard: () => import('./commands/dashboard.js'),
  backup: () => import('./commands/backup.js'),
  restore: () => import('./commands/restore.js'),
  rehearse: () => import('./commands/rehearse.js'),
  copy: () => import('./commands/copy.js'),
  upgrade: () => import('./commands/upgrade.js'),
  adopt: () => import('./commands/adopt.js'),
};

/**
 * The modules to register: those of the command names on the command line (an option's value
 * may name one too: loading it as well is harmless); none for `cutover --version` (commander
 * prints it as soon as it meets the flag, whatever else follows); all of them when none is named
 * (help, a mistyped command that gets a "did you mean").
 */
function commandsFor(argv: readonly string[]): Promise<CommandModule[]> {
  const own = ownArgs(argv);
  const named = Object.keys(COMMANDS).filter((name) => own.includes(name));
  if (named.length === 0 && own.some(isVersionFlag)) return Promise.resolve([]);
  return Promise.all((named.length > 0 ? named : Object.keys(COMMANDS)).map((name) => COMMANDS[name]!()));
}

/** `-V`, `--version` or `--version=…`: cutover's own version flag. */
function isVersionFlag(arg: string): boolean {
  return arg === '-V' || arg === '--version' || arg.startsWith('--version=');
}

/** cutover's own arguments: those before `--` (after it: `cutover exec`'s child's command line). */
function ownArgs(argv: readonly string[]): readonly string[] {
  const dashes = argv.indexOf('--');
  return dashes < 0 ? argv : argv.slice(0, dashes);
}

/**
 * Run the CLI.
 *
 * @example
 * const code = await main(['migrate', '--phase', 'pre'], io);
 */
export async function main(argv: string[], io: CliIo, version = '0.0.0'): Promise<ExitCode | number> {
  const program = createProgram(io, version);
  const runner = createRunner(io);
  for (const command of await commandsFor(argv)) command.register(program, runner);
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.input;
    }
    // After a command, -V/--version would print cutover's version and exit 0: `cutover wait --version 42`
    // in a readiness probe would pass at once. A usage error instead.
    const at = ownArgs(argv).findIndex((arg) => program.commands.some((c) => c.name() === arg));
    if (at >= 0 && ownArgs(argv).slice(at + 1).some(isVersionFlag)) {
      throw new CutoverError('USAGE', `--version after \`${argv[at]}\` is cutover's own version flag`, {
        hint: `To print cutover's version: cutover --version. To name a migration version: ${argv[at] === 'wait' || argv[at] === 'serve' ? '--at-least <version>' : 'see the command\'s --help'}.`,
      });
    }
    await program.parseAsync(argv, { from: 'user' });
    return runner.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is bad usage (already printed).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      const command = program.commands.find((c) => ownArgs(argv).includes(c.name()));
      const hint = `see \`cutover ${command ? `${command.name()} ` : ''}--help\``;
      io.stderr.write(`  hint: ${hint}\n`);
      if (ownArgs(argv).includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        io.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'USAGE', message, hint } }, null, 2)}\n`);
      }
      return EXIT.input;
    }
    return reportError(io, error, ownArgs(argv).includes('--json'));
  }
}
