/**
 * Parse each migration file once for the whole fleet. Every target still
 * validates every pending file before its first statement runs (a bad file
 * touches no target); the parse is shared, not repeated per tenant.
 */
import { throwAll, type CutoverError } from '../errors.js';
import type { MigrationScript } from '../migrations/types.js';
import type { Step } from '../plan/types.js';
import { scriptOf } from '../run/execute.js';
import { prepareSteps } from '../run/migrate.js';
import { checkScript, toRunnable, type RunnableStatement } from '../sql/statements.js';
import type { VerdictStore } from '../verdicts/index.js';

interface Checked {
  statements: RunnableStatement[];
  problems: CutoverError[];
}

/**
 * A `prepare` for {@link runMigrations} that remembers each script's parse (and, with
 * `verdicts`, takes it from there when kept: src/verdicts).
 *
 * @example
 * const prepare = sharedPreparer();
 * await runMigrations(connector, migrations, { schema, prepare });
 */
export function sharedPreparer(verdicts?: VerdictStore): (steps: Step[]) => Promise<RunnableStatement[][]> {
  const cache = new Map<MigrationScript, Promise<Checked>>();
  const checkAlone = async (step: Step): Promise<Checked> => {
    const r = await checkScript(scriptOf(step));
    return { statements: r.statements.map(toRunnable), problems: r.problems };
  };
  return async (steps) => {
    // Files not seen yet are parsed together, as a single run does (prepareSteps, in chunks);
    // if one is bad, each is checked alone so every target is told about exactly its bad files.
    const missing = steps.filter((step) => !cache.has(scriptOf(step)));
    if (missing.length > 0) {
      const group: Promise<Checked[]> = prepareSteps(missing, { verdicts }).then(
        (lists) => lists.map((statements) => ({ statements, problems: [] })),
        () => Promise.all(missing.map(checkAlone)),
      );
      missing.forEach((step, i) => cache.set(scriptOf(step), group.then((all) => all[i]!)));
    }
    const checked: RunnableStatement[][] = [];
    const problems: CutoverError[] = [];
    for (const step of steps) {
      const result = await cache.get(scriptOf(step))!;
      problems.push(...result.problems);
      checked.push(result.statements);
    }
    throwAll(problems);
    return checked;
  };
}
