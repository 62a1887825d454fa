/** REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'refresh-without-concurrently',
  summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it recomputes',
  severity: 'warning',
  check(context) {
    for (const use of onExisting(context, 'refresh-matview')) {
      context.report({
        message: `refreshing "${use.relation}" takes ACCESS EXCLUSIVE on it and rewrites it: every SELECT of the view waits for the whole query`,
        help: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view; takes EXCLUSIVE, reads continue).',
        fix: context.statement.text.replace(/^refresh\s+materialized\s+view\s+/i, 'REFRESH MATERIALIZED VIEW CONCURRENTLY '),
      });
    }
  },
} as const satisfies Rule;
