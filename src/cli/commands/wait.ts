/**
 * `cutover wait [--version <v>] [--timeout 60s]`: wait until the schema has
 * every pre migration this code needs (readiness / init containers,
 * Compose healthchecks), without migrating or taking the lock.
 */
import type { Command } from 'commander';
import { CutoverError, EXIT } from '../../errors.js';
import { formatDuration } from '../../duration.js';
import { waitForSchema } from '../../deploy/library.js';
import { durationFlag } from '../duration-flag.js';
import type { Runner } from '../program.js';
import { renderWait } from '../render-deploy.js';

interface WaitFlags {
  atLeast?: string;
  timeout?: string;
  poll?: string;
  files?: boolean;
}

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('wait')
    .description('wait until the schema has every pre migration this code needs (for replicas that do not migrate)')
    .option('--at-least <version>', 'needed: pre migrations up to this version (default: every pre migration in --dir)')
    .option('--timeout <duration>', 'give up after this long (exit 1)', '60s')
    .option('--poll <duration>', 'look this often', '1s')
    .option('--no-files', 'no migrations directory here: ready once the ledger has --at-least applied')
    .action(runner.action<WaitFlags>(async (context, flags) => {
      const url = context.settings.url;
      if (!url) {
        throw new CutoverError('CONFIG', '`cutover wait` needs a database: --url or DATABASE_URL', {
          hint: 'It waits for a schema that another process migrates; the embedded dev database is not used here.', details: { setting: 'url' },
        });
      }
      const timeoutMs = durationFlag('--timeout', flags.timeout) ?? 60_000;
      const pollMs = durationFlag('--poll', flags.poll) ?? 1000;
      let lastSaid = -Infinity;
      const report = await waitForSchema({
        url, schema: context.settings.schema, ...context.source, timeoutMs, pollMs,
        ...(flags.atLeast ? { atLeast: flags.atLeast } : {}),
        ...(flags.files === false ? { useMigrations: false } : {}),
        onProgress: ({ waitedMs, state, error }) => {
          if (waitedMs - lastSaid < 5000) return;
          lastSaid = waitedMs;
          const why = error ? `database not reachable: ${error}` : `missing ${state!.missing.join(', ') || '-'}${state!.failed.length ? `, failed ${state!.failed.join(', ')}` : ''}`;
          context.say(`waiting for schema "${context.settings.schema}" (${formatDuration(waitedMs)} of ${formatDuration(timeoutMs)}): ${why}`);
        },
      });
      context.result({ ok: true, ...report }, renderWait(report));
      return EXIT.ok;
    }));
}
