/** RENAME COLUMN breaks every running instance that names the column. */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'renaming-column',
  summary: 'renaming a column breaks the application version still running; expand/contract instead',
  severity: 'error',
  check(context) {
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'rename-column')) {
      if (use.relation && context.catalog.relation(use.relation)?.created) continue;
      context.report(postPhaseOnly(`renaming column "${use.column}" of "${use.relation}"`,
        '1. pre: add the new column, write both (trigger or code), backfill in batches; 2. deploy code reading the new column; 3. post: drop the old one.'));
    }
  },
} as const satisfies Rule;
