/**
 * A run with the post-deploy guard: under the migration lock, before any
 * post migration runs, the registry is read and {@link checkPostGuard}
 * decides. Refused: nothing runs, INSTANCES_BEHIND names each old
 * instance. `waitForInstancesMs` retries — with the lock released in
 * between, so new instances can still boot and take it for their own pre
 * migrations (holding it while waiting would deadlock a rolling deploy).
 * `force` skips the guard and records who and why in `cutover_audit`.
 */
import { CutoverError } from '../errors.js';
import { auditSql, createLedger, ensureAuditTable } from '../db/ledger.js';
import type { Connection, Connector, Session } from '../db/session.js';
import { formatDuration } from '../duration.js';
import type { Migration } from '../migrations/types.js';
import type { Step } from '../plan/types.js';
import { runMigrations, type MigrateReport } from '../run/migrate.js';
import type { RunContext } from '../run/context.js';
import { checkPostGuard, type GuardProblem, type GuardVerdict } from './guard.js';
import { readRegistry } from './registry.js';
import { orderOf } from './versions.js';

/** Guard settings of a run. */
export interface GuardOptions {
  /** Wait up to this long (ms) for old instances to go; default 0: refuse at once. */
  waitForInstancesMs?: number;
  /** Run post migrations whatever the registry says; recorded in cutover_audit. */
  force?: { reason: string };
  /** How often to look again while waiting (default 2 s). */
  guardPollMs?: number;
}

/** The INSTANCES_BEHIND error for a refusal. */
export function guardError(schema: string, verdict: GuardVerdict, waitedMs: number): CutoverError {
  const versions = [...new Set(verdict.problems.flatMap((p) => p.blocks))];
  const waited = waitedMs > 0 ? ` after waiting ${formatDuration(waitedMs)}` : '';
  return new CutoverError('INSTANCES_BEHIND', `post migration${versions.length > 1 ? 's' : ''} ${versions.join(', ')} refused in schema "${schema}"${waited}: ${verdict.problems.length} live instance${verdict.problems.length > 1 ? 's run' : ' runs'} older code:\n${verdict.problems.map((p) => `  - ${p.message}`).join('\n')}`, {
    hint: 'Finish the rollout (every instance on the new version), then run again; or wait for them with --wait 10min. If an instance is gone but still listed, it expires after its TTL (or `cutover instances --remove <id>`). Overriding: --force --reason "…" (recorded).',
    details: { schema, versions, waitedMs, instances: verdict.problems.map(problemFacts) },
  });
}

function problemFacts(p: GuardProblem) {
  const i = p.instance;
  return { id: i.id, host: i.host, appVersion: i.appVersion, knownVersion: i.knownVersion, lastSeen: i.lastSeen, blocks: p.blocks };
}

/**
 * The guard's verdict on these post migrations, from the registry as it is now
 * (under the lock in a run; without it in a heartbeat's first look).
 *
 * @example
 * const { allowed } = await postGuardVerdict(session, 'public', postMigrations);
 */
export async function postGuardVerdict(session: Session, schema: string, post: readonly Migration[]): Promise<GuardVerdict> {
  const { instances, now } = await readRegistry(session, schema);
  return checkPostGuard(instances, post, now, orderOf(post));
}

/**
 * The guard as a `beforeRun` hook for {@link runMigrations}: reads the registry under the
 * lock; refused → `onRefused` (default: throw INSTANCES_BEHIND), or with `force`, audit rows.
 * For callers that run `runMigrations` themselves (the fleet runner).
 *
 * @example
 * await runMigrations(connector, migrations, { ...run, schema, phase: 'post', beforeRun: postDeployGuard({ ...run, schema }) });
 */
export function postDeployGuard(
  options: Pick<RunContext, 'schema' | 'appliedBy' | 'onEvent' | 'ledger'> & Pick<GuardOptions, 'force'>,
  onRefused: (verdict: GuardVerdict) => never = (verdict) => { throw guardError(options.schema, verdict, 0); },
) {
  return async (steps: readonly Step[], connection: Connection): Promise<void> => {
    const post = steps.filter((s) => s.direction === 'up' && s.migration.phase === 'post').map((s) => s.migration);
    if (post.length === 0) return;
    const verdict = await postGuardVerdict(connection, options.schema, post);
    if (verdict.allowed) return;
    if (!options.force) onRefused(verdict);
    // Recorded before anything runs: an override is on the record even if the migration then fails.
    await createLedger(connection, options.schema, options.ledger);
    await ensureAuditTable(connection, options.schema);
    const versions = [...new Set(verdict.problems.flatMap((p) => p.blocks))];
    for (const version of versions) {
      await connection.query(auditSql(options.schema, {
        version, action: 'force-post', by: options.appliedBy, reason: options.force.reason,
        details: { instances: verdict.problems.filter((p) => p.blocks.includes(version)).map(problemFacts) },
      }));
    }
    options.onEvent?.({ type: 'guard-forced', schema: options.schema, versions, reason: options.force.reason, problems: verdict.problems });
  };
}

/**
 * `runMigrations` with the post-deploy guard (and its wait and override).
 *
 * @example
 * await guardedRun(connector, migrations, { ...resolveRun({ phase: 'post' }), schema: 'public', waitForInstancesMs: 600_000 });
 */
export async function guardedRun(
  connector: Connector,
  migrationSet: Migration[] | Promise<Migration[]>,
  options: RunContext & GuardOptions,
): Promise<MigrateReport> {
  if (options.force && !options.force.reason?.trim()) {
    throw new CutoverError('USAGE', 'overriding the post-deploy guard needs a reason', {
      hint: 'Say why, for the record: --force --reason "v1 pods are drained; the registry row is stale".', details: { setting: 'reason' },
    });
  }
  const loading = Promise.resolve(migrationSet);
  loading.catch(() => {});
  const { now, sleep } = options.clock;
  const waitMs = options.waitForInstancesMs ?? 0;
  const started = now();
  for (;;) {
    let refused: GuardVerdict | undefined;
    try {
      return await runMigrations(connector, loading, {
        ...options,
        beforeRun: postDeployGuard(options, (verdict) => {
          refused = verdict;
          throw guardError(options.schema, verdict, waitMs > 0 ? now() - started : 0);
        }),
      });
    } catch (error) {
      const waited = now() - started;
      if (!refused || waited >= waitMs) throw error;
      options.onEvent?.({ type: 'instances-waiting', schema: options.schema, waitedMs: waited, problems: refused.problems });
      await sleep(Math.max(1, Math.min(options.guardPollMs ?? 2000, waitMs - waited)));
    }
  }
}
