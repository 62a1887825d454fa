/**
 * Post migrations left pending (the forum's failure mode): the contract step
 * that should follow the rollout is forgotten for days, and then runs against
 * rows written in between — a NOT NULL meeting rows the old code left empty,
 * a unique index meeting new duplicates. How long it has been pending is
 * counted from the newest applied migration below it (the expand it
 * contracts), so a post-only release deployed weeks after its expand is
 * flagged at once: those weeks of rows are what it will meet. Pure.
 */
import { formatDuration } from '../duration.js';
import { anyOrder } from './versions.js';
import type { VersionOrder } from '../migrations/formats/order.js';

/** A post migration pending longer than the threshold. */
export interface PostLeftPending {
  version: string;
  name?: string;
  /** When the newest migration below it was applied. */
  since: Date;
  pendingMs: number;
  /** One sentence, with what to do. */
  message: string;
}

/**
 * The pending post migrations older than `warnAfterMs`, by `now` (the database's clock where there is one).
 *
 * @example
 * postLeftPending([{ version: '3', phase: 'post', state: 'pending' }, { version: '2', phase: 'pre', state: 'applied', appliedAt }], new Date(), 86_400_000);
 */
export function postLeftPending(
  entries: readonly { version: string; name?: string; phase: string; state: string; appliedAt?: Date | null }[],
  now: Date,
  warnAfterMs: number,
  order: VersionOrder = anyOrder,
): PostLeftPending[] {
  const applied = entries.filter((e) => e.state === 'applied' && e.appliedAt);
  const found: PostLeftPending[] = [];
  for (const entry of entries) {
    if (entry.phase !== 'post' || entry.state !== 'pending') continue;
    const below = applied.filter((e) => order.compare(e.version, entry.version) < 0).map((e) => e.appliedAt!.getTime());
    if (below.length === 0) continue; // a fresh install: nothing to contract yet
    const since = new Date(Math.max(...below));
    const pendingMs = now.getTime() - since.getTime();
    if (pendingMs < warnAfterMs) continue;
    found.push({
      version: entry.version, ...(entry.name ? { name: entry.name } : {}), since, pendingMs,
      message: `post migration ${entry.version}${entry.name ? ` (${entry.name})` : ''} has been pending for ${formatDuration(pendingMs)}, since ${since.toISOString()}: rows written since then may break it; rehearse it on a copy first (cutover rehearse), then cutover migrate --phase post`,
    });
  }
  return found;
}
