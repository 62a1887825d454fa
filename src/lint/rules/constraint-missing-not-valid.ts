/** A CHECK added valid scans the whole table under ACCESS EXCLUSIVE. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'constraint-missing-not-valid',
  summary: 'a CHECK constraint added without NOT VALID scans the table under ACCESS EXCLUSIVE',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'add-check')) {
      context.report({
        message: `adding CHECK constraint ${use.object ? `"${use.object}" ` : ''}scans all of "${use.relation}" under ACCESS EXCLUSIVE: no reads or writes meanwhile`,
        help: 'Add it NOT VALID (instant; new rows are checked), then VALIDATE CONSTRAINT separately under SHARE UPDATE EXCLUSIVE.',
        fix: `ALTER TABLE ${use.relation} ADD CONSTRAINT ${use.object ?? '…'} CHECK (…) NOT VALID;\nALTER TABLE ${use.relation} VALIDATE CONSTRAINT ${use.object ?? '…'};`,
      });
    }
  },
} as const satisfies Rule;
