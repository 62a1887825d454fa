// The floor's work as a function: the least a correct migration runner can do
// with `pg` (bench/floor.js runs it as a process; runners/in-process.js calls
// it in a warm, long-lived process beside cutover's migrate()).
// One connection, a session advisory lock, read the history table, then per
// pending file one round trip: BEGIN; <file>; INSERT INTO history ...; COMMIT.
// No parsing, no checksums, no validation: the cost every real tool adds is
// measured against this.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_KEY = 7243170011; // arbitrary, fixed
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;

/**
 * Apply the pending `<version>_<name>.sql` files of `dir` to `url`.
 * @param {typeof import('pg')} pg
 * @param {{ url: string, dir: string }} options
 * @returns {Promise<{ applied: number, pending: number }>}
 */
export async function floorMigrate(pg, { url, dir }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let applied = 0;
  let pending = 0;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS floor_history (version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query('SELECT version FROM floor_history');
      const done = new Set(rows.map((r) => String(r.version)));
      const files = (await readdir(dir))
        .map((f) => /^(\d+)_(.+)\.sql$/.exec(f))
        .filter(Boolean)
        .map(([file, v, name]) => ({ file, version: BigInt(v), name }))
        .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
      const todo = files.filter((f) => !done.has(String(f.version)));
      pending = todo.length;
      for (const f of todo) {
        const sql = await readFile(join(dir, f.file), 'utf8');
        try {
          await client.query(
            `BEGIN;\n${sql}\n;\nINSERT INTO floor_history (version, name) VALUES (${f.version}, ${lit(f.name)});\nCOMMIT;`,
          );
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          err.message = `${f.file}: ${err.message}`;
          throw err;
        }
        applied++;
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
  return { applied, pending };
}
