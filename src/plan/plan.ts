/**
 * The pure planner: (migrations, ledger, options) → {@link Plan}. No I/O.
 * `migrate`, `plan` (dry run), `status`, and later the fleet runner and the
 * dashboard all use it; the executor only carries a plan out.
 */
import { versionOrder } from '../migrations/formats/index.js';
import type { Migration } from '../migrations/types.js';
import { checksumMatches } from '../migrations/checksum.js';
import { checkEdited, checkFailed, checkMissing, checkOutOfOrder, checkPhaseOrder } from './checks.js';
import type { LedgerRow, Plan, PlanOptions, Problem, StatusEntry, Step } from './types.js';

function unknownVersion(version: string): Problem {
  return {
    code: 'UNKNOWN_VERSION', severity: 'error', version,
    message: `--to ${version}: no migration has that version`,
    hint: 'Give the version of an existing migration file (see `cutover status`).',
  };
}

/** Each migration's state, plus ledger rows without a file. */
export function statusEntries(migrations: readonly Migration[], ledger: readonly LedgerRow[]): StatusEntry[] {
  const rows = new Map(ledger.map((row) => [row.version, row]));
  const entries: StatusEntry[] = migrations.map((m) => {
    const row = rows.get(m.version);
    const state = !row ? 'pending' : row.state === 'failed' ? 'failed' : !checksumMatches(m, row.checksum) ? (m.repeatable ? 'pending' : 'edited') : 'applied';
    return { version: m.version, name: m.name, phase: m.phase, state, file: m.file, ...(row ? { appliedAt: row.appliedAt, durationMs: row.durationMs } : {}) };
  });
  const known = new Set(migrations.map((m) => m.version));
  for (const row of ledger) {
    if (!known.has(row.version)) {
      entries.push({ version: row.version, name: row.name, phase: row.phase, state: row.state === 'failed' ? 'failed' : 'missing', appliedAt: row.appliedAt, durationMs: row.durationMs });
    }
  }
  return entries;
}

/**
 * Plan a forward run.
 *
 * @example
 * const result = plan(migrations, ledgerRows, { phase: 'pre' });
 * if (result.errors.length === 0) for (const step of result.steps) console.log(step.migration.file);
 */
export function plan(migrations: readonly Migration[], ledger: readonly LedgerRow[], options: PlanOptions = {}): Plan {
  const phase = options.phase ?? 'all';
  const order = versionOrder(migrations[0]?.format);
  const recorded = new Map(ledger.map((row) => [row.version, row]));
  const pending = migrations.filter((m) => {
    const row = recorded.get(m.version);
    return !row || (m.repeatable === true && row.state === 'applied' && !checksumMatches(m, row.checksum));
  });
  const toVersion = options.to === undefined ? undefined : order.canonical(options.to);
  const to = toVersion === undefined ? undefined : migrations.find((m) => m.version === toVersion);

  const problems: Problem[] = [
    ...(options.to !== undefined && !to ? [unknownVersion(options.to)] : []),
    ...checkFailed(migrations, ledger),
    ...checkEdited(migrations, ledger),
    ...checkMissing(migrations, ledger, options.strict),
    ...checkOutOfOrder(pending, ledger, order, options.allowOutOfOrder),
  ];

  const withinTo = pending.filter((m) => !to || order.compare(m.version, to.version) <= 0);
  const wanted = withinTo.filter((m) => phase === 'all' || m.phase === phase);
  if (phase === 'post') {
    problems.push(...checkPhaseOrder(wanted, pending.filter((m) => m.phase === 'pre'), order));
  }
  const steps: Step[] = wanted.map((migration) => ({ direction: 'up', migration }));
  return {
    phase,
    steps,
    errors: problems.filter((p) => p.severity === 'error'),
    warnings: problems.filter((p) => p.severity === 'warning'),
    entries: statusEntries(migrations, ledger),
    deferred: pending.filter((m) => !wanted.includes(m)),
  };
}

/** Where a migration's down script would be, in its layout. */
function downScript(m: Migration): string {
  const dir = m.file.includes('/') ? m.file.slice(0, m.file.lastIndexOf('/')) : '';
  switch (m.format) {
    case 'flyway': return `${dir ? `${dir}/` : ''}U${m.file.slice(dir ? dir.length + 2 : 1)}`;
    case 'diesel': return `${dir}/down.sql`;
    case 'prisma': return `${dir}/down.sql`;
    case 'dbmate': return `a "-- migrate:down" section in ${m.file}`;
    default: return m.file.replace(/(\.up)?\.sql$/, '.down.sql');
  }
}

/**
 * Plan a rollback to `to`: the down scripts of every applied migration newer
 * than `to`, newest first. Refuses, naming each, when a down file is missing.
 *
 * @example
 * const result = planRollback(migrations, ledgerRows, '20260101000000');
 */
export function planRollback(migrations: readonly Migration[], ledger: readonly LedgerRow[], to: string): Plan {
  const order = versionOrder(migrations[0]?.format);
  const target = order.canonical(to);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const problems: Problem[] = [...checkFailed(migrations, ledger), ...checkEdited(migrations, ledger)];
  if (target !== '0' && !byVersion.has(target) && !ledger.some((row) => row.version === target)) problems.push(unknownVersion(to));
  // `--to 0` undoes everything; repeatables have no down script and no place in the order.
  const undo = ledger
    .filter((row) => row.state === 'applied' && !order.repeatable?.(row.version) && (target === '0' || order.compare(row.version, target) > 0))
    .sort((a, b) => order.compare(b.version, a.version));
  const steps: Step[] = [];
  for (const row of undo) {
    const migration = byVersion.get(row.version);
    if (migration?.down) {
      steps.push({ direction: 'down', migration });
      continue;
    }
    problems.push({
      code: 'NOT_REVERSIBLE', severity: 'error', version: row.version, ...(migration ? { file: migration.file } : {}),
      message: migration
        ? `${migration.file} has no down script (${downScript(migration)})`
        : `version ${row.version} (${row.name}) is applied but its files are not in this directory`,
      hint: migration
        ? `Write ${downScript(migration)}${migration.format === 'cutover' ? ' (and rename the up file to .up.sql)' : ''}, or restore a backup taken before it.`
        : 'Run the rollback from the app version that has these files, or restore a backup.',
    });
  }
  return {
    phase: 'all',
    steps,
    errors: problems.filter((p) => p.severity === 'error'),
    warnings: problems.filter((p) => p.severity === 'warning'),
    entries: statusEntries(migrations, ledger),
    deferred: [],
  };
}
