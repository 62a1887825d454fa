/** RENAME TO breaks every running instance that names the table. */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'renaming-table',
  summary: 'renaming a table breaks the application version still running; expand/contract instead',
  severity: 'error',
  check(context) {
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'rename-table')) {
      if (use.relation && context.catalog.relation(use.relation)?.created) continue;
      context.report(postPhaseOnly(`renaming "${use.relation}"`,
        '1. pre: rename the table and create a view with the old name (simple views are updatable); 2. deploy code using the new name; 3. post: drop the view.'));
    }
  },
} as const satisfies Rule;
