/**
 * Verdicts for a bundle (`cutover bundle`): each script's, parse trees
 * included (the `migrate` gate lints from them), as JSON text beside the
 * script's file, so that a run from the bundle never loads the parser.
 */
import type { BundledFile } from '../migrations/bundle.js';
import type { Migration, MigrationScript } from '../migrations/types.js';
import { splitWithVerdicts } from './split.js';
import type { VerdictStore } from './store.js';
import { toVerdict, verdictVersions } from './verdict.js';

/**
 * `files` with the verdict of each script that parses (one that does not is left
 * without: a run from the bundle parses it, and reports it, as from the directory).
 *
 * @example
 * const files = await withVerdicts(bundle.files, bundle.migrations, directoryStore(dir));
 */
export async function withVerdicts(files: readonly BundledFile[], migrations: readonly Migration[], verdicts?: VerdictStore): Promise<BundledFile[]> {
  const scripts: MigrationScript[] = migrations.flatMap((m) => (m.down ? [m, m.down] : [m]));
  const versions = verdictVersions();
  const byFile = new Map<string, string>();
  for await (const one of splitWithVerdicts(scripts, { tree: true, verdicts })) {
    if ('statements' in one) byFile.set(one.script.file, JSON.stringify(toVerdict(one.script.sql, one.statements, true, versions)));
  }
  return files.map((entry) => {
    const verdict = byFile.get(entry.file);
    return verdict === undefined ? entry : { ...entry, verdict };
  });
}
