/** DROP DATABASE has no place in a migration. */
import type { Rule } from '../types.js';

export default {
  id: 'ban-drop-database',
  summary: 'DROP DATABASE in a migration',
  severity: 'error',
  check(context) {
    if (context.statement.kind !== 'DropdbStmt') return;
    context.report({
      message: `dropping database "${context.statement.node.dbname}" from a migration: irreversible, and not what a schema migration should do`,
      help: 'Drop databases by hand, after a backup; keep migrations to the schema.',
    });
  },
} as const satisfies Rule;
