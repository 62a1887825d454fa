/** CONCURRENTLY (and VACUUM …) cannot run inside the transaction cutover wraps a file in. */
import type { Rule } from '../types.js';

export default {
  id: 'concurrently-in-transaction',
  summary: 'CREATE INDEX CONCURRENTLY and friends cannot run in a transactional migration',
  severity: 'error',
  check(context) {
    if (!context.script.transaction) return;
    // The runner's own list first; the facts table knows a few more (REINDEX SCHEMA, DISCARD ALL, CLUSTER without a table …).
    const refused = context.statement.needsNoTransaction ?? (context.facts.noTransaction ? context.statement.text.split(/\s+/).slice(0, 2).join(' ').toUpperCase() : undefined);
    if (!refused) return;
    context.report({
      message: `${refused} cannot run inside a transaction block, and this migration runs in one`,
      help: 'Put it in its own file starting with `-- cutover:no-transaction`, made idempotent (IF NOT EXISTS / IF EXISTS).',
    });
  },
} as const satisfies Rule;
