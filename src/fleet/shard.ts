/**
 * `--shard i/n`: n workers (a Kubernetes indexed Job, several machines)
 * cover every target exactly once. A target's shard is a hash of its
 * database and schema, so it depends on nothing else: workers need not see
 * the same list, and a new tenant does not move the others.
 */
import { createHash } from 'node:crypto';
import { CutoverError } from '../errors.js';
import type { Shard, TargetRef } from './types.js';

/**
 * Parse `i/n` (1 ≤ i ≤ n).
 *
 * @example
 * parseShard('2/4'); // { index: 2, count: 4 }
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new CutoverError('USAGE', `--shard ${text}: expected i/n with 1 ≤ i ≤ n (for example 1/4)`, {
      hint: 'Give each of n workers its own i from 1 to n; in a Kubernetes indexed Job: --shard $((JOB_COMPLETION_INDEX + 1))/n.',
      details: { setting: 'shard' },
    });
  }
  return { index, count };
}

/** The 1-based shard a target belongs to among `count`. */
export function shardOf(target: TargetRef, count: number): number {
  const digest = createHash('sha256').update(`${target.database}\0${target.schema}`).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/**
 * The targets in this shard, order kept.
 *
 * @example
 * inShard(targets, { index: 1, count: 2 });
 */
export function inShard<T extends TargetRef>(targets: readonly T[], shard: Shard | undefined): T[] {
  if (!shard || shard.count === 1) return [...targets];
  return targets.filter((t) => shardOf(t, shard.count) === shard.index);
}
