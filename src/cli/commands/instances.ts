/** `cutover instances [--all] [--remove <id>]`: the app instances registered in the schema. */
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { forgetInstance, listInstances } from '../../deploy/library.js';
import { withDatabase } from '../context.js';
import type { Runner } from '../program.js';
import { renderInstances } from '../render-deploy.js';
import { addRenamed } from '../renames.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  addRenamed(program
    .command('instances')
    .description('list the app instances registered in the schema (what the post-deploy guard checks)')
    .option('--include-expired', 'include expired instances (no heartbeat within their TTL)')
    .option('--remove <id>', 'remove an instance that is gone, rather than waiting for its TTL')
    .action(runner.action<{ includeExpired?: boolean; remove?: string }>(async (context, flags) => {
      const schema = context.settings.schema;
      const report = await withDatabase(context, async (url) => {
        if (flags.remove) await forgetInstance({ url, schema, id: flags.remove });
        return listInstances({ url, schema, ...(flags.includeExpired ? { all: true } : {}) });
      });
      if (flags.remove) context.say(`removed instance ${flags.remove} from the registry of schema "${schema}"`);
      context.result({ ok: true, ...report }, renderInstances(report));
      return EXIT.ok;
    })));
}
