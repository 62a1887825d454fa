/**
 * `adopt --baseline <version>`: a database no tool recorded, whose schema
 * already holds every migration up to and including `version`. Those are
 * recorded as applied without running them. Pure.
 */
import { CutoverError } from '../errors.js';
import { versionOrder } from '../migrations/formats/index.js';
import type { Migration } from '../migrations/types.js';
import type { AdoptedEntry } from './types.js';

/**
 * The ledger rows a baseline at `version` writes: every migration at or
 * below it (repeatables have no place in that order: they stay pending).
 * Throws UNKNOWN_VERSION when `version` is not a migration's.
 *
 * @example
 * baselineEntries(migrations, '20260101120000'); // the rows for every file up to that one
 */
export function baselineEntries(migrations: readonly Migration[], version: string, location: string): AdoptedEntry[] {
  const order = versionOrder(migrations[0]?.format);
  const wanted = order.canonical(version);
  const target = migrations.find((m) => !m.repeatable && (m.version === wanted || m.version === version));
  if (!target) {
    const known = migrations.filter((m) => !m.repeatable).map((m) => m.version);
    throw new CutoverError('UNKNOWN_VERSION', `--baseline ${version}: no migration in ${location} has that version`, {
      hint: known.length > 0
        ? `Give the version of the newest migration the database already has (${known.length > 3 ? `${known[0]} … ${known[known.length - 1]}` : known.join(', ')}); see cutover status.`
        : 'The directory has no migrations: check --dir and --format.',
      details: { version, location },
    });
  }
  return migrations.filter((m) => !m.repeatable && order.compare(m.version, target.version) <= 0).map((m) => ({
    version: m.version, name: m.name, phase: m.phase, checksum: m.checksum, transactional: m.transaction,
    appliedAt: null, durationMs: null, file: m.file, because: 'adopt-baseline' as const,
  }));
}
