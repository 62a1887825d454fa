/** A new foreign key validated at once: both tables locked SHARE ROW EXCLUSIVE while the whole table is scanned. */
import type { Rule } from '../types.js';
import { lockText, onExisting } from './helpers.js';

export default {
  id: 'adding-foreign-key-constraint',
  summary: 'a foreign key added without NOT VALID scans the table while blocking writes on both tables',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'add-fk')) {
      const referenced = use.others?.[0]?.relation ?? '?';
      context.report({
        message: `adding foreign key ${use.object ? `"${use.object}" ` : ''}validates every row of "${use.relation}" while holding a ${lockText(context, use.relation!)} and on "${referenced}"`,
        help: 'Add it NOT VALID (instant), then VALIDATE CONSTRAINT in a later statement or migration: validation takes only SHARE UPDATE EXCLUSIVE, reads and writes continue.',
        fix: `ALTER TABLE ${use.relation} ADD CONSTRAINT … FOREIGN KEY (…) REFERENCES ${referenced} (…) NOT VALID;\nALTER TABLE ${use.relation} VALIDATE CONSTRAINT …;`,
      });
    }
    for (const use of onExisting(context, 'add-column-fk')) {
      context.report({
        severity: 'warning',
        message: `ADD COLUMN … REFERENCES locks "${use.others?.[0]?.relation}" SHARE ROW EXCLUSIVE (blocks its writes) besides ACCESS EXCLUSIVE on "${use.relation}"`,
        help: 'Add the column first, then the constraint NOT VALID and VALIDATE it separately; keep the lock_timeout short.',
      });
    }
  },
} as const satisfies Rule;
