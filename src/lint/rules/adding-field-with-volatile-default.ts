/** A column whose value is computed per row (volatile default, serial, identity, stored generated) rewrites the table. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'adding-field-with-volatile-default',
  summary: 'a column with a volatile default, identity or stored generated value rewrites the whole table under ACCESS EXCLUSIVE',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'add-column-volatile-default', 'add-column-identity', 'add-column-stored-generated')) {
      context.report({
        message: `adding column "${use.column}" rewrites "${use.relation}" (every row gets its own value) under an ACCESS EXCLUSIVE lock: no reads or writes for the duration`,
        help: 'Add the column without a default (or with a constant one), set the default for new rows with ALTER COLUMN … SET DEFAULT, and backfill existing rows in batches.',
      });
    }
  },
} as const satisfies Rule;
