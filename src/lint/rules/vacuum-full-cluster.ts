/** VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'vacuum-full-cluster',
  summary: 'VACUUM FULL and CLUSTER rewrite the whole table under ACCESS EXCLUSIVE',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'vacuum-full', 'cluster')) {
      context.report({
        message: `${use.id === 'cluster' ? 'CLUSTER' : 'VACUUM FULL'} rewrites "${use.relation}" under ACCESS EXCLUSIVE: no reads or writes until the copy and every index are rebuilt`,
        help: 'Leave space reclaiming to autovacuum, or use pg_repack / pg_squeeze online, outside migrations.',
      });
    }
  },
} as const satisfies Rule;
