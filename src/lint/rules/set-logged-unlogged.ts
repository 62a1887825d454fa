/** SET LOGGED / UNLOGGED rewrites the table (and writes it all to WAL for LOGGED). */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'set-logged-unlogged',
  summary: 'SET LOGGED / SET UNLOGGED rewrites the whole table under ACCESS EXCLUSIVE',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'set-logged')) {
      context.report({
        message: `changing the persistence of "${use.relation}" rewrites it under ACCESS EXCLUSIVE (SET LOGGED also writes every row to the WAL)`,
        help: 'Do it in a maintenance window, or create a new table with the right persistence, copy in batches and swap.',
      });
    }
  },
} as const satisfies Rule;
