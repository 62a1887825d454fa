/** ALTER TYPE … ADD VALUE: the new value cannot be used before the transaction commits. */
import type { Rule } from '../types.js';

export default {
  id: 'enum-value-used-in-transaction',
  summary: 'a value added with ALTER TYPE … ADD VALUE is used in the same transaction (fails: "unsafe use of new value")',
  severity: 'error',
  check(context) {
    if (!context.script.transaction) return;
    const used = context.before.enumValuesAdded.filter((value) => context.statement.text.includes(`'${value.replace(/'/g, "''")}'`));
    if (used.length === 0) return;
    context.report({
      message: `enum value ${used.map((v) => `'${v}'`).join(', ')} is added earlier in this transaction and used here: PostgreSQL refuses until the ADD VALUE commits`,
      help: 'Move ALTER TYPE … ADD VALUE to its own migration before this one.',
    });
  },
} as const satisfies Rule;
