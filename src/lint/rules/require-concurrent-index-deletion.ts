/** DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'require-concurrent-index-deletion',
  summary: 'DROP INDEX without CONCURRENTLY locks its table ACCESS EXCLUSIVE (queued behind every running query)',
  severity: 'warning',
  check(context) {
    for (const use of onExisting(context, 'drop-index')) {
      context.report({
        message: `dropping index "${use.object}" locks ${use.relation?.startsWith('(') ? use.relation : `"${use.relation}"`} ACCESS EXCLUSIVE: it waits for every running query on the table, and everything queues behind it`,
        help: 'Use DROP INDEX CONCURRENTLY IF EXISTS in its own `-- cutover:no-transaction` migration.',
        fix: context.statement.text.replace(/^drop\s+index\s+/i, 'DROP INDEX CONCURRENTLY '),
      });
    }
  },
} as const satisfies Rule;
