/** lock_timeout / statement_timeout = 0 inside a migration: a migration that can queue forever. */
import type { AstNode } from '../../sql/statements.js';
import type { Rule } from '../types.js';

export default {
  id: 'timeout-disabled',
  summary: 'lock_timeout or statement_timeout set to 0 (no limit) inside a migration',
  severity: 'error',
  check(context) {
    const { kind, node } = context.statement;
    if (kind !== 'VariableSetStmt' || !['lock_timeout', 'statement_timeout'].includes(node.name)) return;
    const value = (node.args ?? [])[0]?.A_Const as AstNode | undefined;
    const zero = value && ((value.ival && !value.ival.ival) || value.sval?.sval === '0' || /^0\s*[a-z]*$/i.test(String(value.sval?.sval ?? 'x')));
    if (!zero) return;
    context.report({
      message: `${node.name} = 0 removes the limit: a blocked ALTER waits forever in the lock queue, and every query on the table queues behind it`,
      help: `Remove it: cutover sets lock_timeout per migration and retries (\`-- cutover:lock-timeout 10s\` to change it${node.name === 'statement_timeout' ? '; `-- cutover:statement-timeout 30min` for a long statement' : ''}).`,
    });
  },
} as const satisfies Rule;
