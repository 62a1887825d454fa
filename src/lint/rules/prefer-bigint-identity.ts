/** serial / int primary keys run out at 2^31; prefer bigint GENERATED … AS IDENTITY. */
import type { AstNode } from '../../sql/statements.js';
import type { Rule } from '../types.js';
import { columnDefs } from './helpers.js';

export default {
  id: 'prefer-bigint-identity',
  summary: 'serial, smallserial and int/smallint primary keys overflow; use bigint GENERATED ALWAYS AS IDENTITY',
  severity: 'warning',
  check(context) {
    for (const column of columnDefs(context.statement.kind, context.statement.node)) {
      const type = String(column.typeName?.names?.at(-1)?.String?.sval ?? '');
      const primary = (column.constraints ?? []).some((c: AstNode) => c.Constraint?.contype === 'CONSTR_PRIMARY');
      if (type === 'serial' || type === 'smallserial' || type === 'serial4' || ((type === 'int4' || type === 'int2') && primary)) {
        context.report({
          message: `column "${column.colname}" is ${type === 'int4' || type === 'int2' ? `a ${type === 'int4' ? 'integer' : 'smallint'} primary key` : type}: it overflows at ${type.includes('small') || type === 'int2' ? '32,767' : '2,147,483,647'}, and widening it later rewrites the table`,
          help: 'Use bigint GENERATED ALWAYS AS IDENTITY (the SQL-standard form; serial also hides a sequence you must grant separately).',
          fix: `${column.colname} bigint GENERATED ALWAYS AS IDENTITY`,
        });
      }
    }
  },
} as const satisfies Rule;
