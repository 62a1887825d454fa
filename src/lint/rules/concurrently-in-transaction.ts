/** CONCURRENTLY (and VACUUM …) cannot run inside the transaction cutover wraps a file in. */
import type { Rule } from '../types.js';

export default {
  id: 'concurrently-in-transaction',
  summary: 'CREATE INDEX CONCURRENTLY and friends cannot run in a transactional migration',
  severity: 'error',
  check(context) {
    if (!context.script.transaction || !context.statement.needsNoTransaction) return;
    context.report({
      message: `${context.statement.needsNoTransaction} cannot run inside a transaction block, and this migration runs in one`,
      help: 'Put it in its own file starting with `-- cutover:no-transaction`, made idempotent (IF NOT EXISTS / IF EXISTS).',
    });
  },
} as const satisfies Rule;
