/** DROP TABLE is a contract step; with foreign keys it also locks the referenced tables. */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'ban-drop-table',
  summary: 'dropping a table in a pre (expand) migration breaks the old application version',
  severity: 'error',
  check(context) {
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'drop-table')) {
      if (use.relation && context.catalog.relation(use.relation)?.created) continue;
      context.report(postPhaseOnly(`dropping table "${use.relation}"`, '1. deploy code that no longer uses the table; 2. then drop it in a post migration.'));
    }
  },
} as const satisfies Rule;
