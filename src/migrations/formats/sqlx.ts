/**
 * sqlx's layout, with sqlx's own rules (sqlx-core/src/migrate/source.rs,
 * migration_type.rs): a file is a migration when its name splits on the
 * first `_` into a version and a rest ending in `.sql`; the version must
 * parse as an i64; `.up.sql`/`.down.sql` make a reversible pair (the down is
 * optional, as in sqlx), anything else is a simple migration; the
 * description is the rest without its suffix, `_` turned into spaces; a file
 * whose text starts with `-- no-transaction` runs without a transaction.
 * A `.sql` name sqlx skips (no `_`) cutover skips too, and lists it (`plan
 * --verbose`); other files and subdirectories are ignored, as sqlx ignores
 * them.
 *
 * sqlx sends a file as one multi-statement query inside its transaction, so
 * a file's own `BEGIN; … COMMIT;` runs (own-transaction.ts), and an empty or
 * comment-only file is a no-op.
 */
import { numericOrder } from './order.js';
import { withoutOwnTransaction } from './own-transaction.js';
import { pairFiles, type FlatNameResult } from './pairs.js';
import type { FoundScript, MigrationFormat } from './types.js';

const I64_MAX = 9223372036854775807n;

/** sqlx's `MigrationType::suffix()`. */
const SUFFIX = { up: '.up.sql', down: '.down.sql', plain: '.sql' } as const;

/** Rust's `str::trim_end_matches`: the suffix removed as many times as it repeats. */
function trimEndMatches(text: string, suffix: string): string {
  let rest = text;
  while (rest.endsWith(suffix)) rest = rest.slice(0, -suffix.length);
  return rest;
}

/**
 * Take a file name apart as sqlx does; the version is the integer (`0042` → `42`).
 *
 * @example
 * parseSqlxName('0042_add_users.up.sql'); // { version: '42', name: 'add users', kind: 'up' }
 */
export function parseSqlxName(file: string): FlatNameResult {
  if (file.includes('/') || !file.toLowerCase().endsWith('.sql')) return 'ignored';
  const cut = file.indexOf('_');
  const rest = file.slice(cut + 1);
  if (cut === -1 || !rest.endsWith('.sql')) {
    return { skipped: 'not a sqlx migration name (<version>_<description>.sql): sqlx skips it' };
  }
  const text = file.slice(0, cut);
  // Rust's i64::from_str: an optional sign, then digits.
  if (!/^[+-]?\d+$/.test(text)) return { problem: `${file}: version "${text}" is not an integer (sqlx refuses it too: "expected integer version prefix")` };
  const version = BigInt(text);
  if (version > I64_MAX || version < -I64_MAX - 1n) return { problem: `${file}: version ${text} does not fit in an i64 (sqlx refuses it too)` };
  if (version < 0n) return { problem: `${file}: version ${text} is negative (sqlx accepts it, cutover does not)` };
  const kind = rest.endsWith(SUFFIX.up) ? 'up' : rest.endsWith(SUFFIX.down) ? 'down' : 'plain';
  return { version: version.toString(), name: trimEndMatches(rest, SUFFIX[kind]).replace(/_/g, ' '), kind };
}

/** sqlx's opt-out: the file's text starts with these bytes (no blank, no other comment before). */
const NO_TRANSACTION = '-- no-transaction';

function withSqlxTransaction(script: FoundScript): FoundScript {
  return script.text.startsWith(NO_TRANSACTION) ? { ...script, transaction: false } : withoutOwnTransaction(script, 'in-transaction');
}

/** The sqlx layout. */
export const sqlxFormat: MigrationFormat = {
  id: 'sqlx',
  layout: '<version>_<description>.sql, or .up.sql with an optional .down.sql (sqlx)',
  order: numericOrder,
  emptyFiles: 'no-op',
  async collect(paths, read) {
    const { found, problems, notices } = await pairFiles(
      paths, parseSqlxName, read,
      'Rename it to <version>_<description>.sql (an integer version, e.g. 20260101120000_add_users.sql), or give it another extension if it is not a migration.',
      { downOptional: true },
    );
    return {
      found: found.map((m) => ({ ...m, up: withSqlxTransaction(m.up), ...(m.down ? { down: withSqlxTransaction(m.down) } : {}) })),
      problems, notices,
    };
  },
};
