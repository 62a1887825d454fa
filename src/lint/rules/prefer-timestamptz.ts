/** timestamp without time zone loses the instant; prefer timestamptz. */
import type { Rule } from '../types.js';
import { columnDefs } from './helpers.js';

export default {
  id: 'prefer-timestamptz',
  summary: 'timestamp (without time zone) stores wall-clock time, not an instant; use timestamptz',
  severity: 'warning',
  check(context) {
    const found = columnDefs(context.statement.kind, context.statement.node);
    for (const column of found) {
      if (column.typeName?.names?.at(-1)?.String?.sval === 'timestamp') {
        context.report({
          message: `column ${column.colname ? `"${column.colname}" ` : ''}is timestamp without time zone: the same value means different instants to sessions in different time zones`,
          help: 'Use timestamptz. (Converting later rewrites the table unless the session TimeZone is UTC.)',
        });
      }
    }
  },
} as const satisfies Rule;
