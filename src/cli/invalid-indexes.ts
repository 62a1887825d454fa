/** Saying so when the target schema has invalid indexes (after `migrate`, in `status`). */
import { invalidIndexes } from '../backup/api.js';
import { describeInvalidIndexes, type InvalidIndex } from '../backup/invalid-indexes.js';
import type { Context } from './context.js';

/**
 * Look for invalid indexes in the schema and warn on stderr with the fix;
 * never fails the command it follows (a lost connection was reported already).
 *
 * @example
 * const invalid = await warnInvalidIndexes(context, url);
 */
export async function warnInvalidIndexes(context: Context, url: string): Promise<InvalidIndex[]> {
  try {
    const found = await invalidIndexes({ url, schema: context.settings.schema });
    if (found.length > 0) context.say(describeInvalidIndexes(found));
    return found;
  } catch {
    return [];
  }
}
