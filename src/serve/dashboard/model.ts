/**
 * The dashboard's data, pure: from a fleet snapshot (every target's ledger)
 * and the instance registry to the overview, a page of targets (filtered,
 * searched, sorted on the server so 10,000 targets cost the browser one
 * page), durations per release and the last run's timeline. The same
 * `targetStatus` / `fleetMatrix` as `cutover status` decide each target's
 * state, so the page and `status --json` never disagree.
 */
import { checkPostGuard, isLive, type InstanceRecord } from '../../deploy/guard.js';
import { orderOf } from '../../deploy/versions.js';
import { fleetMatrix, targetStatus, type FleetStatusReport, type TargetStatus } from '../../fleet/status.js';
import { targetKey } from '../../fleet/run-fleet.js';
import type { FleetSnapshot } from '../../fleet/api.js';
import type { LedgerRow } from '../../plan/types.js';

/** A target's one-word state, worst first. */
export const STATES = ['failed', 'edited', 'unreadable', 'no-ledger', 'pending-pre', 'pending-post', 'ahead', 'up-to-date'] as const;
/** A target's one-word state. */
export type TargetState = (typeof STATES)[number];

/** One row of the targets table. */
export interface TargetRow {
  database: string;
  schema: string;
  state: TargetState;
  version: string | null;
  pendingPre: number;
  pendingPost: number;
  failed: number;
  /** When its newest migration was applied (ISO), null if never. */
  lastApplied: string | null;
}

/** Registered app instances of one app version, across the fleet's schemas. */
export interface InstanceGroup {
  appVersion: string;
  knownVersion: string;
  live: number;
  expired: number;
}

/** Whether pending post migrations may run, over every target that has one. */
export interface PostVerdict {
  /** Targets with a pending post migration. */
  pending: number;
  /** Of those, how many the guard would let run now. */
  allowed: number;
  /** Why the others may not (the first few instances, in the guard's words). */
  reasons: string[];
}

/** Per migration: how long it took over the targets that applied it. */
export interface DurationStat {
  version: string;
  name: string;
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** The last run's shape: targets that applied the newest migration, per time bucket. */
export interface Timeline {
  version: string | null;
  from: string | null;
  to: string | null;
  buckets: number[];
}

/** The overview: everything the first screen shows. */
export interface Overview {
  total: number;
  /** As `cutover status --json` counts them (a target may be in several). */
  statusCounts: FleetStatusReport['counts'];
  /** Each target once, by its worst state (the filters). */
  counts: Record<TargetState, number>;
  newestVersion: string | null;
  versions: FleetStatusReport['versions'];
  instances: InstanceGroup[];
  post: PostVerdict;
  durations: DurationStat[];
  timeline: Timeline;
  readAt: string;
}

/** The dashboard's model of a fleet: the overview and every row, computed once per snapshot. */
export interface FleetModel {
  overview: Overview;
  rows: TargetRow[];
}

/** Registry rows by schema, keyed as {@link targetKey}. */
export type Registries = ReadonlyMap<string, InstanceRecord[]>;

function stateOf(status: TargetStatus, readable: boolean): TargetState {
  if (!readable) return 'unreadable';
  if (status.failed > 0) return 'failed';
  if (status.edited > 0) return 'edited';
  if (!status.ledger) return 'no-ledger';
  if (status.pending.pre > 0) return 'pending-pre';
  if (status.pending.post > 0) return 'pending-post';
  if (status.ahead > 0) return 'ahead';
  return 'up-to-date';
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function durations(snapshot: FleetSnapshot): DurationStat[] {
  const byVersion = new Map<string, number[]>();
  for (const rows of snapshot.ledgers.values()) {
    for (const row of rows ?? []) {
      if (row.state !== 'applied' || row.durationMs === null) continue;
      let list = byVersion.get(row.version);
      if (!list) byVersion.set(row.version, list = []);
      list.push(row.durationMs);
    }
  }
  return snapshot.migrations.filter((m) => byVersion.has(m.version)).map((m) => {
    const sorted = byVersion.get(m.version)!.sort((a, b) => a - b);
    return { version: m.version, name: m.name, count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! };
  });
}

const TIMELINE_BUCKETS = 40;

function timeline(snapshot: FleetSnapshot, newest: string | null): Timeline {
  const times: number[] = [];
  for (const rows of snapshot.ledgers.values()) {
    const row = rows?.find((r) => r.version === newest && r.state === 'applied');
    if (row?.appliedAt) times.push(row.appliedAt.getTime());
  }
  if (times.length === 0) return { version: newest, from: null, to: null, buckets: [] };
  const from = Math.min(...times);
  const to = Math.max(...times);
  const buckets = new Array<number>(TIMELINE_BUCKETS).fill(0);
  const width = Math.max(1, (to - from) / TIMELINE_BUCKETS);
  for (const t of times) buckets[Math.min(TIMELINE_BUCKETS - 1, Math.floor((t - from) / width))]!++;
  return { version: newest, from: new Date(from).toISOString(), to: new Date(to).toISOString(), buckets };
}

function lastApplied(rows: readonly LedgerRow[] | undefined): string | null {
  let newest: Date | null = null;
  for (const row of rows ?? []) if (row.appliedAt && (!newest || row.appliedAt > newest)) newest = row.appliedAt;
  return newest ? newest.toISOString() : null;
}

function instanceGroups(registries: Registries, now: Date): InstanceGroup[] {
  const groups = new Map<string, InstanceGroup>();
  for (const list of registries.values()) {
    for (const instance of list) {
      const key = `${instance.appVersion}\0${instance.knownVersion}`;
      let group = groups.get(key);
      if (!group) groups.set(key, group = { appVersion: instance.appVersion, knownVersion: instance.knownVersion, live: 0, expired: 0 });
      if (isLive(instance, now)) group.live++;
      else group.expired++;
    }
  }
  return [...groups.values()].sort((a, b) => b.live - a.live || a.appVersion.localeCompare(b.appVersion));
}

/**
 * The model of a fleet snapshot. `now` is the database's clock (instance TTLs);
 * `known`, statuses kept from the last model (drop the changed targets' keys).
 *
 * @example
 * const { overview, rows } = fleetModel(snapshot, registries, dbNow);
 */
export function fleetModel(snapshot: FleetSnapshot, registries: Registries, now: Date, known?: Map<string, TargetStatus>): FleetModel {
  // `known` keeps each target's status between models: a run's announcement re-plans one target, not ten thousand.
  const statusOf = (target: FleetSnapshot['targets'][number]): TargetStatus => {
    const key = targetKey(target);
    const kept = known?.get(key);
    if (kept) return kept;
    const status = targetStatus(target, snapshot.migrations, snapshot.ledgers.get(key));
    known?.set(key, status);
    return status;
  };
  const statuses = snapshot.targets.map(statusOf);
  const matrix = fleetMatrix(statuses, snapshot.migrations);
  const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TargetState, number>;
  const order = orderOf(snapshot.migrations);
  const post: PostVerdict = { pending: 0, allowed: 0, reasons: [] };
  const rows = statuses.map((status, i): TargetRow => {
    const key = targetKey(snapshot.targets[i]!);
    const ledger = snapshot.ledgers.get(key);
    const state = stateOf(status, snapshot.ledgers.has(key));
    counts[state]++;
    if (status.pending.post > 0) {
      post.pending++;
      const pendingPost = snapshot.migrations.filter((m) => m.phase === 'post' && !ledger?.some((r) => r.version === m.version && r.state === 'applied'));
      const verdict = checkPostGuard(registries.get(key) ?? [], pendingPost, now, order);
      if (verdict.allowed) post.allowed++;
      else if (post.reasons.length < 5) post.reasons.push(`${status.schema}: ${verdict.problems[0]!.message}`);
    }
    return {
      database: status.database, schema: status.schema, state, version: status.version,
      pendingPre: status.pending.pre, pendingPost: status.pending.post, failed: status.failed, lastApplied: lastApplied(ledger),
    };
  });
  const newestVersion = snapshot.migrations[snapshot.migrations.length - 1]?.version ?? null;
  return {
    rows,
    overview: {
      total: matrix.total, statusCounts: matrix.counts, counts, newestVersion, versions: matrix.versions, instances: instanceGroups(registries, now), post,
      durations: durations(snapshot), timeline: timeline(snapshot, newestVersion), readAt: now.toISOString(),
    },
  };
}

/** What the targets table asks for. */
export interface TargetQuery {
  /** Substring of the schema or database name, case-insensitive. */
  q?: string;
  state?: TargetState;
  sort?: 'schema' | 'database' | 'state' | 'version' | 'lastApplied';
  desc?: boolean;
  page?: number;
  size?: number;
}

/** A page of targets. */
export interface TargetPage {
  total: number;
  page: number;
  size: number;
  rows: TargetRow[];
}

const PAGE_SIZE = 50;

/**
 * Filter, search, sort and page the rows. Pure.
 *
 * @example
 * pageTargets(model.rows, { state: 'failed', q: 'acme', page: 1 });
 */
export function pageTargets(rows: readonly TargetRow[], query: TargetQuery, versionRank: (v: string | null) => number = () => 0): TargetPage {
  const q = query.q?.trim().toLowerCase();
  let found = rows.filter((r) => (!query.state || r.state === query.state) && (!q || r.schema.toLowerCase().includes(q) || r.database.toLowerCase().includes(q)));
  const sort = query.sort ?? 'schema';
  const compare: (a: TargetRow, b: TargetRow) => number = {
    schema: (a: TargetRow, b: TargetRow) => a.schema.localeCompare(b.schema) || a.database.localeCompare(b.database),
    database: (a: TargetRow, b: TargetRow) => a.database.localeCompare(b.database) || a.schema.localeCompare(b.schema),
    state: (a: TargetRow, b: TargetRow) => STATES.indexOf(a.state) - STATES.indexOf(b.state) || a.schema.localeCompare(b.schema),
    version: (a: TargetRow, b: TargetRow) => versionRank(a.version) - versionRank(b.version) || a.schema.localeCompare(b.schema),
    lastApplied: (a: TargetRow, b: TargetRow) => (a.lastApplied ?? '').localeCompare(b.lastApplied ?? '') || a.schema.localeCompare(b.schema),
  }[sort];
  found = [...found].sort(query.desc ? (a, b) => compare(b, a) : compare);
  const size = Math.min(500, Math.max(1, query.size ?? PAGE_SIZE));
  const pages = Math.max(1, Math.ceil(found.length / size));
  const page = Math.min(pages, Math.max(1, query.page ?? 1));
  return { total: found.length, page, size, rows: found.slice((page - 1) * size, page * size) };
}
