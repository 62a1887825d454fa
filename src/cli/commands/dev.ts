/** `cutover dev [--reset]`: the embedded Postgres, migrated, until Ctrl-C. */
import type { Command } from 'commander';
import { migrate } from '../../library/index.js';
import { EXIT } from '../../errors.js';
import { runSettings } from '../context.js';
import type { Runner } from '../program.js';
import { renderMigrateReport } from '../render.js';
import { gateSettings } from './lint.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('dev')
    .description('start the embedded development Postgres (.cutover/dev), migrate it, print DATABASE_URL, stay up until Ctrl-C')
    .option('--reset', 'start from an empty database')
    .action(runner.action<{ reset?: boolean }>(async (context, flags) => {
      const { startEmbedded, devDataDir } = await import('../../embedded/index.js');
      const dataDir = devDataDir(context.io.cwd);
      const server = await startEmbedded({ dataDir, ...(flags.reset ? { reset: true } : {}) });
      try {
        const report = await migrate({ url: server.url, ...runSettings(context), ...gateSettings(context) });
        context.say(renderMigrateReport(report));
        // Listen for Ctrl-C before saying we are up: a signal sent on seeing the output must find the handler.
        const interrupted = context.io.waitForInterrupt();
        context.result({ ok: true, url: server.url, dataDir, ...report }, `DATABASE_URL=${server.url}`);
        context.say('the development database is up; Ctrl-C stops it');
        await interrupted;
      } finally {
        await server.stop();
      }
      return EXIT.ok;
    }));
}
