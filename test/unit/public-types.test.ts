/**
 * The exported option types, as a user's editor sees them in the shipped declarations
 * (dist/index.d.ts, built by `npm test`): the run's internal hooks are not among them
 * (issue 17.2). Read with the TypeScript compiler, so a hook that comes back through an
 * `extends` or an `Omit` that forgets one is caught too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const DTS = join(import.meta.dirname, '../../dist/index.d.ts');

/** The property names of each named export of the declarations. */
function propertiesOf(names: readonly string[]): Record<string, string[]> {
  const program = ts.createProgram([DTS], { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(DTS)!)!);
  return Object.fromEntries(names.map((name) => {
    const symbol = exports.find((s) => s.name === name);
    if (!symbol) throw new Error(`${name} is not exported from dist/index.d.ts`);
    const type = checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
    return [name, checker.getPropertiesOfType(type).map((p) => p.name).sort()];
  }));
}

describe('the exported option types', () => {
  it('carry no internal run hook (beforeRun, afterRun, ledgerAbsent, prepare, the fleet\'s ledgers)', () => {
    expect(existsSync(DTS), 'run `npm run build` first').toBe(true);
    const types = propertiesOf(['RunOptions', 'MigrateOptions', 'FleetRunOptions', 'MigrateFleetOptions', 'RehearseApiOptions', 'RollbackWithBackupOptions']);
    const hooks = ['beforeRun', 'afterRun', 'ledgerAbsent', 'prepare', 'ledgers'];
    const leaks = Object.entries(types).flatMap(([name, keys]) => keys.filter((key) => hooks.includes(key)).map((key) => `${name}.${key}`));
    expect(leaks).toEqual([]);
    // What users set is still there.
    expect(types.MigrateOptions).toEqual(expect.arrayContaining(['url', 'schema', 'phase', 'lockTimeoutMs', 'lockRetries', 'lockWaitMs', 'statementTimeoutMs', 'retryDelayMs', 'onEvent', 'signal', 'lint', 'now', 'sleep']));
    expect(types.MigrateFleetOptions).toEqual(expect.arrayContaining(['targets', 'concurrency', 'canary', 'continueOnError', 'lockTimeoutMs', 'onEvent']));
  });
});
