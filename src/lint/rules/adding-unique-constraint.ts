/** UNIQUE / PRIMARY KEY / EXCLUDE builds an index under ACCESS EXCLUSIVE. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'adding-unique-constraint',
  summary: 'a UNIQUE or PRIMARY KEY constraint builds its index under ACCESS EXCLUSIVE; build it CONCURRENTLY first',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'add-unique', 'add-column-unique')) {
      context.report({
        message: `adding a unique constraint builds an index over all of "${use.relation}" under ACCESS EXCLUSIVE: no reads or writes meanwhile`,
        help: 'CREATE UNIQUE INDEX CONCURRENTLY in a no-transaction migration, then ADD CONSTRAINT … UNIQUE USING INDEX (instant). (NOT VALID does not exist for UNIQUE.)',
        fix: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${use.object ?? '…'} ON ${use.relation} (…);\nALTER TABLE ${use.relation} ADD CONSTRAINT ${use.object ?? '…'} UNIQUE USING INDEX ${use.object ?? '…'};`,
      });
    }
  },
} as const satisfies Rule;
