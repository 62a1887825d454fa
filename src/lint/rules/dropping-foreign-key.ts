/** Dropping a foreign key also takes ACCESS EXCLUSIVE on the referenced table (its triggers are dropped). */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';

export default {
  id: 'dropping-foreign-key',
  summary: 'dropping a foreign key locks the referenced table ACCESS EXCLUSIVE too',
  severity: 'warning',
  check(context) {
    for (const use of uses(context, 'drop-fk', 'drop-table')) {
      for (const other of use.others ?? []) {
        if (other.role !== 'referenced' || context.isSmall(other.relation)) continue;
        context.report({
          message: `${use.id === 'drop-table' ? `dropping "${use.relation}"` : `dropping foreign key "${use.object}"`} takes ACCESS EXCLUSIVE on the referenced table "${other.relation}" too (its FK triggers are removed): reads and writes of "${other.relation}" wait`,
          help: 'Keep lock_timeout short (cutover retries); do it in its own migration, at a quiet time; drop the constraint before the table to take the locks one at a time.',
        });
      }
    }
    if (!context.catalog.live) {
      for (const use of uses(context, 'drop-constraint')) {
        if (use.unsure && /fk|fkey|foreign|_ref/i.test(use.object ?? '')) {
          context.report({ severity: 'info', message: `"${use.object}" looks like a foreign key: ${use.unsure}`, help: 'Run `cutover lint --url` to know for sure.' });
        }
      }
    }
  },
} as const satisfies Rule;
