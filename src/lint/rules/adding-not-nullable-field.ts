/** ADD COLUMN … NOT NULL without a default: fails on a non-empty table, and scans it. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'adding-not-nullable-field',
  summary: 'a NOT NULL column without a default fails on a table with rows',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'add-column-not-null')) {
      context.report({
        message: `adding NOT NULL column "${use.column}" without a default to "${use.relation}": fails if the table has rows, after scanning it under ACCESS EXCLUSIVE`,
        help: 'Give it a constant DEFAULT (instant since PostgreSQL 11), or add it nullable, backfill in batches, then add a CHECK (… IS NOT NULL) NOT VALID, VALIDATE it and SET NOT NULL.',
      });
    }
  },
} as const satisfies Rule;
