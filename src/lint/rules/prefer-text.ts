/** varchar(n) and char(n): changing the limit later can rewrite; char(n) pads. Prefer text with a CHECK. */
import type { Rule } from '../types.js';
import { columnDefs } from './helpers.js';

export default {
  id: 'prefer-text',
  summary: 'varchar(n) and char(n) are text with a limit that is costly to change; use text (and a CHECK on length if needed)',
  severity: 'warning',
  check(context) {
    const found = columnDefs(context.statement.kind, context.statement.node);
    for (const column of found) {
      const type = String(column.typeName?.names?.at(-1)?.String?.sval ?? '');
      if ((type === 'varchar' || type === 'bpchar') && (column.typeName.typmods ?? []).length > 0) {
        context.report({
          message: `column ${column.colname ? `"${column.colname}" ` : ''}is ${type === 'bpchar' ? 'char(n) (blank-padded)' : 'varchar(n)'}: shrinking the limit later rewrites the table, and the limit is rarely a real rule`,
          help: 'Use text; if a maximum length is a real rule, add CHECK (length(col) <= n) — it can be changed with NOT VALID + VALIDATE, without a rewrite.',
        });
      }
    }
  },
} as const satisfies Rule;
