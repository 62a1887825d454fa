/** A type change that is not binary-coercible rewrites the table under ACCESS EXCLUSIVE. */
import type { Rule } from '../types.js';
import { onExisting, uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'changing-column-type',
  summary: 'changing a column type rewrites the table (unless binary-coercible) and breaks old code',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'alter-column-type')) {
      const where = `changing the type of "${use.column}" on "${use.relation}"`;
      if (use.unsure) {
        context.report({ severity: 'warning', message: `${where} may rewrite the table under ACCESS EXCLUSIVE: ${use.unsure}`, help: 'Run `cutover lint --url` to check against the live column type, or add the new column, backfill in batches and switch over (expand/contract).' });
        continue;
      }
      context.report({
        message: `${where} rewrites every row and rebuilds its indexes under ACCESS EXCLUSIVE: no reads or writes for the duration`,
        help: 'Expand/contract: add a column of the new type, write both, backfill in batches, switch reads, then drop the old column in a post migration.',
      });
    }
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'alter-column-type')) {
      if (!use.relation || context.catalog.relation(use.relation)?.created || !context.isSmall(use.relation)) continue;
      context.report(postPhaseOnly(`changing the type of "${use.column}" on "${use.relation}"`, '1. pre: add a column of the new type and backfill; 2. deploy code using it; 3. post: drop the old column.'));
    }
  },
} as const satisfies Rule;
