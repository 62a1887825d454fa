/**
 * Automatic contract (opt-in): apply the pre migrations, then the pending
 * post migrations if the whole live fleet knows them — each under the
 * schema's migration lock, so with any number of instances starting
 * together exactly one applies each migration. When the guard refuses, the
 * post migrations stay pending and the outcome says why; it is no failure.
 */
import { CutoverError } from '../errors.js';
import type { Connector } from '../db/session.js';
import type { Migration } from '../migrations/types.js';
import type { MigrateReport } from '../run/migrate.js';
import type { RunContext } from '../run/context.js';
import { guardedRun, type GuardOptions } from './guarded-run.js';

/** What happened to the contract step. */
export type ContractOutcome =
  | { state: 'applied'; versions: string[] }
  | { state: 'nothing-pending' }
  | { state: 'deferred'; reason: string; instances: unknown[] };

/** A run's report with the contract step's outcome. */
export interface AutoContractReport extends MigrateReport {
  contract: ContractOutcome;
}

/**
 * Pre phase, then the post phase through the guard (never waiting, never forced).
 *
 * @example
 * const report = await runAutoContract(connector, migrations, { ...resolveRun({}), schema: 'public' });
 * report.contract.state; // 'applied' | 'nothing-pending' | 'deferred'
 */
export async function runAutoContract(
  connector: Connector,
  migrationSet: Migration[] | Promise<Migration[]>,
  options: RunContext & GuardOptions,
): Promise<AutoContractReport> {
  const loading = Promise.resolve(migrationSet);
  const { waitForInstancesMs: _wait, force: _force, ...rest } = options;
  const pre = options.phase === 'post' ? undefined : await guardedRun(connector, loading, { ...rest, phase: 'pre' });
  try {
    const post = await guardedRun(connector, loading, { ...rest, phase: 'post' });
    const applied = post.applied.map((s) => s.migration.version);
    return {
      ...post,
      phase: options.phase ?? 'all',
      lockWaitedMs: (pre?.lockWaitedMs ?? 0) + post.lockWaitedMs,
      planned: [...(pre?.planned ?? []), ...post.planned],
      applied: [...(pre?.applied ?? []), ...post.applied],
      warnings: post.warnings,
      durationMs: (pre?.durationMs ?? 0) + post.durationMs,
      contract: applied.length ? { state: 'applied', versions: applied } : { state: 'nothing-pending' },
    };
  } catch (error) {
    if (!(error instanceof CutoverError) || error.code !== 'INSTANCES_BEHIND') throw error;
    // Refused by the guard: the post migrations wait for the next start-up or heartbeat.
    const refused = error.report as MigrateReport;
    const base = pre ?? refused;
    return {
      ...base,
      phase: options.phase ?? 'all',
      applied: pre?.applied ?? [],
      planned: pre?.planned ?? [],
      entries: refused.entries,
      contract: { state: 'deferred', reason: error.message, instances: (error.details.instances as unknown[] | undefined) ?? [] },
    };
  }
}
