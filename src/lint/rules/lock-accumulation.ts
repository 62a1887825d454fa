/** Several ACCESS EXCLUSIVE locks on different tables in one transaction: held until commit, deadlock-prone. */
import type { Rule } from '../types.js';

export default {
  id: 'lock-accumulation',
  summary: 'one transaction takes ACCESS EXCLUSIVE on several existing tables (held until commit; deadlock risk with the application)',
  severity: 'warning',
  check(context) {
    if (!context.script.transaction) return;
    const mine = context.facts.locks.filter((l) => l.mode === 'AccessExclusive' && !context.isSmall(l.relation)).map((l) => l.relation);
    if (mine.length === 0) return;
    const earlier = new Set([...context.before.accessExclusive].filter((relation) => !context.isSmall(relation)));
    const inThis = new Set(mine);
    const fresh = [...inThis].filter((r) => !earlier.has(r));
    const all = new Set([...earlier, ...inThis]);
    if (fresh.length === 0 || all.size < 2) return;
    context.report({
      message: `this transaction now holds ACCESS EXCLUSIVE on ${all.size} tables (${[...all].map((r) => `"${r}"`).join(', ')}) until it commits: everything touching any of them waits, and the app taking them in another order deadlocks`,
      help: 'Split the migration so each transaction locks one table; keep lock_timeout short.',
    });
  },
} as const satisfies Rule;
