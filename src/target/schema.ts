/** The target schema's default, in a module that loads no database driver (offline `lint` uses it). */
import { SETTINGS } from '../config/settings.js';

/**
 * The schema a call targets: the option, else the settings table's default.
 *
 * @example
 * targetSchema({}); // 'public'
 */
export function targetSchema(options: { schema?: string | undefined }): string {
  return options.schema ?? SETTINGS.schema.default;
}
