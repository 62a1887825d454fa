/** DROP COLUMN is a contract step: old code still selects or writes the column. */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'ban-drop-column',
  summary: 'dropping a column in a pre (expand) migration breaks the old application version',
  severity: 'error',
  check(context) {
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'drop-column')) {
      if (use.relation && context.catalog.relation(use.relation)?.created) continue;
      context.report(postPhaseOnly(`dropping column "${use.column}" of "${use.relation}"`,
        '1. deploy code that no longer reads or writes the column (ORMs: mark it ignored first); 2. then drop it in a post migration.'));
    }
  },
} as const satisfies Rule;
