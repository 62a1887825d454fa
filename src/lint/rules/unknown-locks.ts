/** A statement whose locks the facts table cannot tell: said, never assumed harmless. */
import { uses } from './helpers.js';
import type { Rule } from '../types.js';

export default {
  id: 'unknown-locks',
  summary: 'the linter cannot tell what a statement locks (DO, CALL, DROP … CASCADE, a statement kind it does not know): review it by hand',
  severity: 'info',
  check(context) {
    for (const use of uses(context, 'opaque', 'unclassified')) {
      context.report({
        message: `${use.unsure ?? `the linter does not know what ${context.statement.kind} locks`}: no lock finding can be given for it`,
        help: 'Check by hand which tables it locks and for how long (`cutover rehearse` shows the locks it takes on a copy); silence this with `-- cutover:lint-ignore unknown-locks <reason>`.',
      });
    }
  },
} as const satisfies Rule;
