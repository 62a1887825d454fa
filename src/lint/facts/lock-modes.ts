/**
 * PostgreSQL's eight table-level lock modes, weakest first, with the
 * conflict table of https://www.postgresql.org/docs/current/explicit-locking.html
 * and the names `pg_locks.mode` uses.
 */

/** Table-level lock modes, weakest first. */
export const LOCK_MODES = [
  'AccessShare', 'RowShare', 'RowExclusive', 'ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive',
] as const;

/** A table-level lock mode (`AccessExclusive` is `pg_locks`' `AccessExclusiveLock`). */
export type LockMode = (typeof LOCK_MODES)[number];

/** Conflicts, as the docs' table 13.2: mode → the modes it conflicts with. */
const CONFLICTS: Record<LockMode, readonly LockMode[]> = {
  AccessShare: ['AccessExclusive'],
  RowShare: ['Exclusive', 'AccessExclusive'],
  RowExclusive: ['Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  ShareUpdateExclusive: ['ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  Share: ['RowExclusive', 'ShareUpdateExclusive', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  ShareRowExclusive: ['RowExclusive', 'ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  Exclusive: ['RowShare', 'RowExclusive', 'ShareUpdateExclusive', 'Share', 'ShareRowExclusive', 'Exclusive', 'AccessExclusive'],
  AccessExclusive: [...LOCK_MODES],
};

/**
 * The stronger of two modes.
 *
 * @example
 * strongest('Share', 'AccessExclusive'); // 'AccessExclusive'
 */
export function strongest(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/**
 * What the application can still do on a table while a mode is held.
 *
 * @example
 * blocks('Share'); // 'writes (INSERT, UPDATE, DELETE)'
 */
export function blocks(mode: LockMode): string {
  if (mode === 'AccessExclusive') return 'reads and writes';
  if (CONFLICTS[mode].includes('RowExclusive')) return 'writes (INSERT, UPDATE, DELETE)';
  if (CONFLICTS[mode].includes('ShareUpdateExclusive')) return 'other schema changes, VACUUM and ANALYZE, but not reads or writes';
  return 'only ACCESS EXCLUSIVE (DDL that rewrites or drops)';
}

/** Whether two modes conflict. */
export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

/**
 * `pg_locks.mode` to a {@link LockMode}.
 *
 * @example
 * fromPgLocks('ShareUpdateExclusiveLock'); // 'ShareUpdateExclusive'
 */
export function fromPgLocks(mode: string): LockMode {
  const name = mode.replace(/Lock$/, '') as LockMode;
  if (!LOCK_MODES.includes(name)) throw new Error(`not a table lock mode: ${mode}`);
  return name;
}

/**
 * The SQL spelling: `ACCESS EXCLUSIVE`.
 *
 * @example
 * sqlName('ShareRowExclusive'); // 'SHARE ROW EXCLUSIVE'
 */
export function sqlName(mode: LockMode): string {
  return mode.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}
