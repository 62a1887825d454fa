/**
 * cutover's own layout (DESIGN §1 "Migration files"): one flat directory of
 * `<version>_<description>.sql` files or `.up.sql`/`.down.sql` pairs;
 * versions are whole numbers compared as numbers. Subdirectories are ignored.
 */
import { parseFileName } from '../file-name.js';
import { numericOrder } from './order.js';
import { pairFiles } from './pairs.js';
import type { MigrationFormat } from './types.js';

/** The cutover layout. */
export const cutoverFormat: MigrationFormat = {
  id: 'cutover',
  layout: '<version>_<description>.sql, or .up.sql with .down.sql',
  order: numericOrder,
  emptyFiles: 'refuse',
  collect: (paths, read) => pairFiles(
    paths.filter((path) => !path.includes('/')),
    parseFileName,
    read,
    'Rename it to <version>_<description>.sql (e.g. 20260101120000_add_users.sql), or give it another extension if it is not a migration.',
  ),
};
