/** LOCK TABLE in a mode that blocks the application's reads or writes, held until the migration commits. */
import { blocks, conflicts, sqlName } from '../facts/lock-modes.js';
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'lock-table',
  summary: 'LOCK TABLE in a mode that blocks the application (SHARE or stronger) holds it until the migration commits',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'lock-table')) {
      const mode = use.mode ?? 'AccessExclusive';
      // The application reads (ACCESS SHARE), locks rows (ROW SHARE) and writes (ROW EXCLUSIVE).
      if (!conflicts(mode, 'RowExclusive') && !conflicts(mode, 'AccessShare')) continue;
      context.report({
        message: `LOCK TABLE "${use.relation}" IN ${sqlName(mode)} MODE blocks ${blocks(mode)} on it until the migration commits, however long the statements after it take`,
        help: 'Leave it out: each statement takes the lock it needs, only for itself, and cutover waits for it under lock_timeout with retries. To order locks (avoiding a deadlock), keep the transaction to the statements that need them.',
      });
    }
  },
} as const satisfies Rule;
