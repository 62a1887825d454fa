/**
 * Linting stays linear in a file's size (issue 16.9): no rule looks back
 * over every earlier statement for each statement (lock-accumulation and
 * enum-value-used-in-transaction did, and a 5 MB file took 76 s). Counted:
 * how often the engine and the rules read the file's statement list.
 */
import { describe, expect, it } from 'vitest';
import { createLinter } from '../../src/lint/engine.js';
import { splitStatements, type Statement } from '../../src/sql/statements.js';

/** The statements behind a proxy that counts reads of their entries (and the array methods that walk them). */
function counted(statements: Statement[]): { list: Statement[]; reads: () => number } {
  let reads = 0;
  const list = new Proxy(statements, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { list, reads: () => reads };
}

describe('lint work per statement', () => {
  it('reads each statement a bounded number of times, even with the rules that look back', async () => {
    const n = 2_000;
    const sql = `CREATE TYPE mood AS ENUM ('a');\nALTER TYPE mood ADD VALUE 'b';\nCREATE TABLE big (id int);\n${"ALTER TABLE big ADD COLUMN c int;\nINSERT INTO big VALUES (1);\n".repeat(n / 2)}`;
    const script = { file: '1_x.sql', sql, phase: 'pre' as const, transaction: true, lintIgnore: [] };
    const { list, reads } = counted(await splitStatements(script));
    const linter = createLinter();
    linter.file(script, list);
    linter.finish();
    expect(reads()).toBeGreaterThan(0);
    expect(reads()).toBeLessThanOrEqual(10 * list.length);
  });
});
