/**
 * Schema lists, the one meaning of `--schemas` on every command (and of a
 * string `"schemas"` in the config's targets): names or globs, separated by
 * commas (`tenant_*,audit`). In a glob `*` matches any run of characters and
 * `?` one character; a backslash makes the next character itself (`\,` a
 * comma in a name, `\*` a star, `\\` a backslash); spaces around an entry
 * are dropped. An entry without a wildcard names one schema exactly.
 * Matching happens here, on names read from the catalog, never by splicing
 * the pattern into SQL.
 */
import { CutoverError } from '../errors.js';

/**
 * Turn a glob into an anchored regular expression (`\x` is `x` itself).
 *
 * @example
 * globToRegExp('tenant_*').test('tenant_42'); // true
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  const literal = (char: string) => char.replace(/[\\^$.|+*?()[\]{}]/g, '\\$&');
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '\\' && i + 1 < glob.length) source += literal(glob[++i]!);
    else if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += literal(char);
  }
  return new RegExp(`^${source}$`, 'u');
}

/** Postgres's own schemas, never a tenant. */
export function isSystemSchema(name: string): boolean {
  return name === 'information_schema' || name.startsWith('pg_');
}

/**
 * The entries of a schema list, split at the commas no backslash escapes, trimmed, empty ones dropped;
 * escapes stay in (a glob reads them).
 *
 * @example
 * splitSchemaList('tenant_*, a\\,b'); // ['tenant_*', 'a\\,b']
 */
export function splitSchemaList(list: string): string[] {
  const entries: string[] = [];
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const char = list[i]!;
    if (char === '\\' && i + 1 < list.length) current += char + list[++i]!;
    else if (char === ',') {
      entries.push(current);
      current = '';
    } else current += char;
  }
  entries.push(current);
  return entries.map(trimEntry).filter((entry) => entry !== '');
}

/** Spaces around an entry dropped, but not an escaped one (`\ `). */
function trimEntry(entry: string): string {
  let end = entry.trimEnd().length;
  let backslashes = 0;
  while (backslashes < end && entry[end - 1 - backslashes] === '\\') backslashes++;
  if (backslashes % 2 === 1 && end < entry.length) end++; // the last backslash escapes the space after it
  return entry.slice(0, end).trimStart();
}

/** The exact name an entry without wildcards stands for, or undefined for a glob. */
export function exactName(entry: string): string | undefined {
  let name = '';
  for (let i = 0; i < entry.length; i++) {
    const char = entry[i]!;
    if (char === '\\' && i + 1 < entry.length) name += entry[++i]!;
    else if (char === '*' || char === '?') return undefined;
    else name += char;
  }
  return name;
}

/**
 * The names a schema list selects among `names` (system schemas excluded), in their order, and
 * the exact names it gives that are not there (a typo is never skipped silently).
 *
 * @example
 * selectSchemas(['public', 'tenant_1', 'pg_toast'], 'tenant_*,audit'); // { names: ['tenant_1'], missing: ['audit'] }
 */
export function selectSchemas(names: readonly string[], list: string): { names: string[]; missing: string[] } {
  const entries = splitSchemaList(list);
  const exact = entries.map(exactName).filter((name): name is string => name !== undefined);
  const globs = entries.filter((entry) => exactName(entry) === undefined).map(globToRegExp);
  const candidates = names.filter((name) => !isSystemSchema(name));
  return {
    names: candidates.filter((name) => exact.includes(name) || globs.some((re) => re.test(name))),
    missing: exact.filter((name) => !candidates.includes(name)),
  };
}

/**
 * The names matching a schema list, system schemas excluded.
 *
 * @example
 * matchSchemas(['public', 'tenant_1', 'pg_toast'], 'tenant_*'); // ['tenant_1']
 */
export function matchSchemas(names: readonly string[], list: string): string[] {
  return selectSchemas(names, list).names;
}

/**
 * The schemas a list selects among `names`, or SCHEMA_NOT_FOUND naming the exact names the database
 * lacks (and, with `atLeastOne`, a list that selects nothing).
 *
 * @example
 * requireSchemas(await userSchemas(session), 'tenant_*,audit', 'postgres://app@db/app', true);
 */
export function requireSchemas(names: readonly string[], list: string, database: string, atLeastOne: boolean): string[] {
  const selected = selectSchemas(names, list);
  if (selected.missing.length === 0 && (!atLeastOne || selected.names.length > 0)) return selected.names;
  const what = selected.missing.length > 0
    ? `schema${selected.missing.length === 1 ? '' : 's'} ${selected.missing.map((n) => `"${n}"`).join(', ')} named in --schemas ${selected.missing.length === 1 ? 'does' : 'do'} not exist in ${database}`
    : `--schemas ${JSON.stringify(list)} matches no schema in ${database}`;
  throw new CutoverError('SCHEMA_NOT_FOUND', what, {
    hint: 'Check the spelling. --schemas takes names and globs separated by commas (tenant_*,audit); a backslash escapes a comma, * or ? inside a name.',
    details: { schemas: selected.missing, list, database },
  });
}
