/** DROP DEFAULT in a pre migration: the old code may rely on the default when inserting. */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'dropping-default',
  summary: 'dropping a column default in a pre (expand) migration breaks inserts of the old application version',
  severity: 'error',
  check(context) {
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'drop-default')) {
      if (use.relation && context.catalog.relation(use.relation)?.created) continue;
      context.report(postPhaseOnly(`dropping the default of "${use.column}" on "${use.relation}"`, '1. deploy code that always sets the column; 2. post: drop the default.'));
    }
  },
} as const satisfies Rule;
