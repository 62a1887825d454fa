/**
 * `main(argv, io)`: the whole CLI as a function returning an exit code.
 * Nothing below it prints or exits; bin.ts connects it to the process.
 */
import { CommanderError } from 'commander';
import { CutoverError, EXIT, type ExitCode } from '../errors.js';
import type { CliIo } from './io.js';
import { createProgram, createRunner, reportError } from './program.js';
import * as bundle from './commands/bundle.js';
import * as config from './commands/config.js';
import * as dev from './commands/dev.js';
import * as migrate from './commands/migrate.js';
import * as newCommand from './commands/new.js';
import * as plan from './commands/plan.js';
import * as resolve from './commands/resolve.js';
import * as rollback from './commands/rollback.js';
import * as status from './commands/status.js';
import * as lint from './commands/lint.js';
import * as instances from './commands/instances.js';
import * as wait from './commands/wait.js';
import * as backup from './commands/backup.js';
import * as restore from './commands/restore.js';
import * as rehearse from './commands/rehearse.js';
import * as copy from './commands/copy.js';
import * as serve from './commands/serve.js';
import * as upgrade from './commands/upgrade.js';

const COMMANDS = [newCommand, migrate, plan, status, resolve, rollback, lint, dev, bundle, config, instances, wait, serve, backup, restore, rehearse, copy, upgrade];

/**
 * Run the CLI.
 *
 * @example
 * const code = await main(['migrate', '--phase', 'pre'], io);
 */
export async function main(argv: string[], io: CliIo, version = '0.0.0'): Promise<ExitCode> {
  const program = createProgram(io, version);
  const runner = createRunner(io);
  for (const command of COMMANDS) command.register(program, runner);
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.input;
    }
    // After a command, -V/--version would print cutover's version and exit 0: `cutover wait --version 42`
    // in a readiness probe would pass at once. A usage error instead.
    const at = argv.findIndex((arg) => program.commands.some((c) => c.name() === arg));
    if (at >= 0 && argv.slice(at + 1).some((arg) => arg === '-V' || arg === '--version' || arg.startsWith('--version='))) {
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
      const command = program.commands.find((c) => argv.includes(c.name()));
      const hint = `see \`cutover ${command ? `${command.name()} ` : ''}--help\``;
      io.stderr.write(`  hint: ${hint}\n`);
      if (argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        io.stdout.write(`${JSON.stringify({ ok: false, error: { code: 'USAGE', message, hint } }, null, 2)}\n`);
      }
      return EXIT.input;
    }
    return reportError(io, error, argv.includes('--json'));
  }
}
