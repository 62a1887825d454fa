/** ADD COLUMN … CHECK validates every row under ACCESS EXCLUSIVE (squawk misses it). */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'adding-check-column',
  summary: 'ADD COLUMN with a CHECK constraint scans the whole table under ACCESS EXCLUSIVE',
  severity: 'warning',
  check(context) {
    for (const use of onExisting(context, 'add-column-check')) {
      context.report({
        message: `adding column "${use.column}" with a CHECK scans all of "${use.relation}" to validate it, under ACCESS EXCLUSIVE`,
        help: 'Add the column without the CHECK, then ADD CONSTRAINT … CHECK (…) NOT VALID and VALIDATE CONSTRAINT separately.',
      });
    }
  },
} as const satisfies Rule;
