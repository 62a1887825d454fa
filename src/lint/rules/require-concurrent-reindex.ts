/** REINDEX without CONCURRENTLY blocks writes to the table, and reads that use the index, for the whole rebuild. */
import type { Rule } from '../types.js';
import { uses } from './helpers.js';

export default {
  id: 'require-concurrent-reindex',
  summary: 'REINDEX without CONCURRENTLY blocks writes (SHARE on the table) and reads of the index (ACCESS EXCLUSIVE on it) for the whole rebuild',
  severity: 'error',
  check(context) {
    for (const use of uses(context, 'reindex-table', 'reindex-index', 'reindex-schema')) {
      if (use.relation !== undefined && context.isSmall(use.relation)) continue;
      const what = use.id === 'reindex-schema' ? `every table of ${use.object ? `"${use.object}"` : 'the database'}, one after the other,` : `"${use.relation}"`;
      const system = /^reindex\s+(\([^)]*\)\s*)?system\b/i.test(context.statement.text);
      const old = context.pgVersion !== undefined && context.pgVersion < 12;
      context.report({
        message: `REINDEX takes SHARE on ${what} (INSERT, UPDATE and DELETE wait) and ACCESS EXCLUSIVE on each index it rebuilds (queries that would use it wait) until the rebuild ends`,
        help: old
          ? `PostgreSQL ${context.pgVersion} has no REINDEX CONCURRENTLY (12+): build a copy with CREATE INDEX CONCURRENTLY, then drop the old one with DROP INDEX CONCURRENTLY, each in a \`-- cutover:no-transaction\` migration.`
          : system
            ? 'REINDEX SYSTEM cannot run CONCURRENTLY: run it outside migrations, in a maintenance window.'
            : 'Use REINDEX … CONCURRENTLY (PostgreSQL 12+) in its own `-- cutover:no-transaction` migration: reads and writes continue.',
        ...(old || system ? {} : { fix: context.statement.text.replace(/^(reindex\s+(?:\([^)]*\)\s*)?(?:table|index|schema|database)\s+)/i, '$1CONCURRENTLY ') }),
      });
    }
  },
} as const satisfies Rule;
