/** UPDATE / DELETE of a whole existing table in one transaction: long row locks, bloat, WAL spike. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'unbatched-backfill',
  summary: 'UPDATE or DELETE of every row of an existing table in one transaction (a backfill that should be batched)',
  severity: 'warning',
  check(context) {
    for (const use of onExisting(context, 'update-all', 'delete-all')) {
      context.report({
        message: `${use.id === 'update-all' ? 'UPDATE' : 'DELETE'} without WHERE touches every row of "${use.relation}" in one transaction: each row stays locked until commit (conflicting writes wait), and the table bloats`,
        help: 'Backfill in batches of a few thousand rows by key range, each in its own transaction (a no-transaction migration, or a job outside migrations).',
      });
    }
  },
} as const satisfies Rule;
