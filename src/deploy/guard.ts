/**
 * The post-deploy guard, pure: (live instances, pending post migrations) →
 * allowed, or one problem per instance whose code is older than a post
 * migration. A post migration M contracts the schema (drops, renames, NOT
 * NULL): code written before M may depend on what M removes, so M may run
 * only once every live instance knows a version ≥ M.
 */
import { formatDuration } from '../duration.js';
import { anyOrder, compareVersions } from './versions.js';
import type { VersionOrder } from '../migrations/formats/order.js';

/** One registered app instance (a row of `cutover_instances`). */
export interface InstanceRecord {
  /** Stable id: a pod name, a container id, host:pid … */
  id: string;
  host: string;
  appVersion: string;
  /** The highest migration version the instance's own code knows. */
  knownVersion: string;
  pid: number | null;
  /** The application_name its sessions use (visible in pg_stat_activity). */
  applicationName: string | null;
  startedAt: Date;
  /** Its last heartbeat, by the database's clock. */
  lastSeen: Date;
  /** It counts as gone once `lastSeen + ttlMs` has passed. */
  ttlMs: number;
  /** Sessions in pg_stat_activity with its application_name (information only: poolers hide them). */
  sessions?: number;
}

/** An instance too old for some pending post migrations. */
export interface GuardProblem {
  code: 'INSTANCE_BEHIND';
  instance: InstanceRecord;
  /** The pending post versions its code predates. */
  blocks: string[];
  message: string;
}

/** The guard's answer. */
export interface GuardVerdict {
  allowed: boolean;
  problems: GuardProblem[];
  /** The live instances considered. */
  live: InstanceRecord[];
}

/**
 * Whether an instance is live at `now` (the database's clock: app clocks may drift).
 *
 * @example
 * isLive({ ...instance, lastSeen: new Date(Date.now() - 5000), ttlMs: 30000 }, new Date()); // true
 */
export function isLive(instance: Pick<InstanceRecord, 'lastSeen' | 'ttlMs'>, now: Date): boolean {
  return instance.lastSeen.getTime() + instance.ttlMs > now.getTime();
}

/** One line naming an instance: id, host, app version, known version, last seen. */
export function describeInstance(instance: InstanceRecord, now: Date): string {
  const ago = Math.max(0, now.getTime() - instance.lastSeen.getTime());
  return `${instance.id} (host ${instance.host}, app ${instance.appVersion}, knows migrations up to ${instance.knownVersion}, last seen ${formatDuration(ago)} ago)`;
}

/**
 * Decide whether pending post migrations may run.
 *
 * @example
 * const verdict = checkPostGuard(instances, [{ version: '20260201000000' }], dbNow);
 * if (!verdict.allowed) for (const p of verdict.problems) console.log(p.message);
 */
export function checkPostGuard(instances: readonly InstanceRecord[], pendingPost: readonly { version: string }[], now: Date, order: VersionOrder = anyOrder): GuardVerdict {
  const live = instances.filter((i) => isLive(i, now));
  const problems: GuardProblem[] = [];
  for (const instance of live) {
    const blocks = pendingPost.map((m) => m.version).filter((v) => compareVersions(instance.knownVersion, v, order) < 0);
    if (blocks.length === 0) continue;
    problems.push({
      code: 'INSTANCE_BEHIND', instance, blocks,
      message: `${describeInstance(instance, now)} predates post migration${blocks.length > 1 ? 's' : ''} ${blocks.join(', ')}`,
    });
  }
  return { allowed: problems.length === 0, problems, live };
}
