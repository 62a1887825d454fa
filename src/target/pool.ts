/** `schemaPool`: a pg.Pool for the app's own queries, search_path pinned to the target schema. */
import type { Pool, PoolConfig } from 'pg';
import { pgModule } from '../db/pg-module.js';
import { clientConfig, searchPathOption } from '../db/pg.js';
import { CutoverError } from '../errors.js';
import { targetSchema } from './schema.js';

/**
 * A `pg.Pool` whose every connection has `search_path` pinned to `schema`
 * (set in the startup packet, so it holds before the first query).
 *
 * @example
 * const pool = schemaPool({ url: process.env.DATABASE_URL, schema: 'tenant_42' });
 * await pool.query('SELECT * FROM notes'); // tenant_42.notes
 */
export function schemaPool(options: { url: string | undefined; schema?: string } & PoolConfig): Pool {
  const { url, schema = targetSchema(options), ...rest } = options;
  if (!url) {
    throw new CutoverError('CONFIG', 'schemaPool needs a database URL', { hint: 'Pass url (for example process.env.DATABASE_URL).', details: { setting: 'url' } });
  }
  return new (pgModule().Pool)(clientConfig(url, { ...rest, options: searchPathOption(schema) }));
}
