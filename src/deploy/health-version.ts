/**
 * The app's version as its own health endpoint says it: cutover's handler
 * answers `{ "appVersion": … }`, a Rust or Go service often `{ "version": … }`,
 * a Rack app `{ "app": { "version": … } }`. A JSON path (`--version-field`)
 * names another place; without one, those three are tried in order.
 */
import { CutoverError } from '../errors.js';

/** Tried in this order when no field is named. */
export const DEFAULT_VERSION_FIELDS = ['appVersion', 'version', 'app.version'] as const;

/**
 * Split a JSON path (`build.version`, `$.app.version`, `releases[0].tag`) into keys, or throw USAGE.
 *
 * @example
 * parseVersionField('$.app.version'); // ['app', 'version']
 */
export function parseVersionField(field: string): (string | number)[] {
  const body = field.replace(/^\$\.?/, '');
  const keys: (string | number)[] = [];
  const part = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/gy;
  let at = 0;
  while (at < body.length) {
    if (keys.length > 0 && body[at] === '.') at += 1;
    part.lastIndex = at;
    const match = part.exec(body);
    if (!match) break;
    keys.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? match[3]!));
    at = part.lastIndex;
  }
  if (at < body.length || keys.length === 0) {
    throw new CutoverError('USAGE', `--version-field ${JSON.stringify(field)} is not a JSON path`, {
      hint: 'Name the field with dots and [index]: version, app.version, $.build.version, releases[0].tag.', details: { setting: '--version-field' },
    });
  }
  return keys;
}

function at(body: unknown, keys: readonly (string | number)[]): unknown {
  let value = body;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * The version in a health body: at `field`, or at the first of the default fields that holds one.
 * Strings and numbers count; anything else is no version.
 *
 * @example
 * versionFromHealth({ version: '0.9.1' }); // '0.9.1'
 * versionFromHealth({ build: { tag: 'v2' } }, 'build.tag'); // 'v2'
 */
export function versionFromHealth(body: unknown, field?: string): string | undefined {
  for (const candidate of field === undefined ? DEFAULT_VERSION_FIELDS : [field]) {
    const value = at(body, parseVersionField(candidate));
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}
