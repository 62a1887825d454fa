/**
 * Typed run events. The CLI, the fleet display, the dashboard and library
 * callers (`onEvent`) all render the same events.
 */
import type { LockHolder } from '../db/advisory-lock.js';
import type { Phase } from '../migrations/types.js';
import type { Problem } from '../plan/types.js';
import type { CutoverError } from '../errors.js';
import type { GuardProblem } from '../deploy/guard.js';

/** A session blocking a migration's lock request. */
export interface Blocker {
  pid: number;
  state: string | null;
  applicationName: string;
  /** The first 200 characters of its current or last query. */
  query: string;
  /** Seconds since its transaction (or query) started. */
  ageSeconds: number;
  relation: string;
  mode: string;
}

/** Identifies a migration in events and reports. */
export interface MigrationRef {
  version: string;
  name: string;
  file: string;
  phase: Phase;
  transaction: boolean;
  direction: 'up' | 'down';
}

/** Everything a run reports while it goes. */
export type RunEvent =
  | { type: 'lock-waiting'; schema: string; waitedMs: number; holders: LockHolder[]; /** `sqlx`: sqlx's per-database lock (--ledger sqlx), not the schema's own. */ lock?: 'sqlx' }
  | { type: 'lock-acquired'; schema: string; waitedMs: number }
  | { type: 'warning'; schema: string; problem: Problem }
  | { type: 'migration-started'; schema: string; migration: MigrationRef; attempt: number }
  | { type: 'migration-retrying'; schema: string; migration: MigrationRef; attempt: number; /** The lock_timeout the failed attempt had. */ lockTimeoutMs: number; delayMs: number; blockers: Blocker[] }
  | { type: 'migration-finished'; schema: string; migration: MigrationRef; durationMs: number; attempts: number }
  | { type: 'migration-failed'; schema: string; migration: MigrationRef; error: CutoverError }
  /** An earlier run was cut off before recording it, but its CREATE INDEX CONCURRENTLY builds had finished: recorded applied. */
  | { type: 'migration-recognized'; schema: string; migration: MigrationRef }
  | { type: 'instances-waiting'; schema: string; waitedMs: number; problems: GuardProblem[] }
  | { type: 'guard-forced'; schema: string; versions: string[]; reason: string; problems: GuardProblem[] };

/** A callback receiving events. */
export type OnEvent = (event: RunEvent) => void;
