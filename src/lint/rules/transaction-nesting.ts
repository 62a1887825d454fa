/** BEGIN / COMMIT inside a file cutover already wraps in a transaction. */
import type { Rule } from '../types.js';

export default {
  id: 'transaction-nesting',
  summary: 'transaction control (BEGIN, COMMIT, ROLLBACK) inside a transactional migration',
  severity: 'error',
  check(context) {
    if (!context.script.transaction || context.statement.kind !== 'TransactionStmt') return;
    context.report({
      message: `${context.statement.text.split(/\s/)[0]!.toUpperCase()} inside a migration cutover runs in a transaction: it would end cutover's transaction early, and the ledger row would no longer be atomic with the SQL`,
      help: 'Remove it; or start the file with `-- cutover:no-transaction` to manage transactions yourself.',
    });
  },
} as const satisfies Rule;
