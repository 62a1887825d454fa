/** SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it; it is also a contract step. */
import type { Rule } from '../types.js';
import { onExisting, uses } from './helpers.js';
import { postPhaseOnly } from './recipes.js';

export default {
  id: 'setting-not-null',
  summary: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists; and old code may still write NULL',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'set-not-null')) {
      context.report({
        message: `SET NOT NULL on "${use.column}" scans all of "${use.relation}" under ACCESS EXCLUSIVE${context.catalog.live ? '' : ' (no validated CHECK (… IS NOT NULL) is known offline)'}`,
        help: 'First ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT it (SHARE UPDATE EXCLUSIVE); SET NOT NULL then skips the scan (PostgreSQL 12+); drop the CHECK after.',
        fix: `ALTER TABLE ${use.relation} ADD CONSTRAINT ${use.relation}_${use.column}_not_null CHECK (${use.column} IS NOT NULL) NOT VALID;\nALTER TABLE ${use.relation} VALIDATE CONSTRAINT ${use.relation}_${use.column}_not_null;\nALTER TABLE ${use.relation} ALTER COLUMN ${use.column} SET NOT NULL;`,
      });
    }
    if (context.script.phase !== 'pre') return;
    for (const use of uses(context, 'set-not-null', 'set-not-null-checked')) {
      if (use.relation && context.catalog.relation(use.relation)?.created) continue;
      context.report({ ...postPhaseOnly(`SET NOT NULL on "${use.column}" of "${use.relation}"`, '1. pre: add the column nullable (or with a default); 2. deploy code that always writes it; backfill; 3. post: SET NOT NULL (after a validated CHECK).'), severity: 'error' });
    }
  },
} as const satisfies Rule;
