/** CREATE INDEX without CONCURRENTLY blocks writes for the whole build. */
import type { Rule } from '../types.js';
import { onExisting } from './helpers.js';

export default {
  id: 'require-concurrent-index-creation',
  summary: 'CREATE INDEX on an existing table without CONCURRENTLY blocks writes (SHARE lock) for the whole build',
  severity: 'error',
  check(context) {
    for (const use of onExisting(context, 'create-index')) {
      const text = context.statement.text;
      context.report({
        message: `building index ${use.object ? `"${use.object}" ` : ''}on "${use.relation}" takes a SHARE lock: INSERT, UPDATE and DELETE wait until the whole table has been read and sorted`,
        help: 'Use CREATE INDEX CONCURRENTLY IF NOT EXISTS in its own `-- cutover:no-transaction` migration (reads and writes continue).',
        fix: text.replace(/^create\s+(unique\s+)?index\s+(if\s+not\s+exists\s+)?/i, (_m, unique: string | undefined) => `CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS `),
      });
    }
  },
} as const satisfies Rule;
