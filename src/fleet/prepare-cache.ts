/**
 * Parse each migration file once for the whole fleet. Every target still
 * validates every pending file before its first statement runs (a bad file
 * touches no target); the parse is shared, not repeated per tenant.
 */
import { throwAll, type CutoverError } from '../errors.js';
import type { MigrationScript } from '../migrations/types.js';
import type { Step } from '../plan/types.js';
import { scriptOf } from '../run/execute.js';
import { checkScript, toRunnable, type RunnableStatement } from '../sql/statements.js';

interface Checked {
  statements: RunnableStatement[];
  problems: CutoverError[];
}

/**
 * A `prepare` for {@link runMigrations} that remembers each script's parse.
 *
 * @example
 * const prepare = sharedPreparer();
 * await runMigrations(connector, migrations, { schema, prepare });
 */
export function sharedPreparer(): (steps: Step[]) => Promise<RunnableStatement[][]> {
  const cache = new Map<MigrationScript, Promise<Checked>>();
  const check = (script: MigrationScript): Promise<Checked> => {
    let entry = cache.get(script);
    if (!entry) {
      entry = checkScript(script).then((r) => ({ statements: r.statements.map(toRunnable), problems: r.problems }));
      cache.set(script, entry);
    }
    return entry;
  };
  return async (steps) => {
    const checked: RunnableStatement[][] = [];
    const problems: CutoverError[] = [];
    // One file at a time (as prepareSteps does): no burst of parse trees for a big directory.
    for (const step of steps) {
      const result = await check(scriptOf(step));
      problems.push(...result.problems);
      checked.push(result.statements);
    }
    throwAll(problems);
    return checked;
  };
}
