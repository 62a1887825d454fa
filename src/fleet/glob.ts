/**
 * Schema globs (`tenant_*`): `*` matches any run of characters, `?` one
 * character, everything else itself. Matching happens here, on names read
 * from the catalog, never by splicing the pattern into SQL.
 */

/**
 * Turn a glob into an anchored regular expression.
 *
 * @example
 * globToRegExp('tenant_*').test('tenant_42'); // true
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

/** Postgres's own schemas, never a tenant. */
export function isSystemSchema(name: string): boolean {
  return name === 'information_schema' || name.startsWith('pg_');
}

/**
 * The names matching `glob`, system schemas excluded.
 *
 * @example
 * matchSchemas(['public', 'tenant_1', 'pg_toast'], 'tenant_*'); // ['tenant_1']
 */
export function matchSchemas(names: readonly string[], glob: string): string[] {
  const re = globToRegExp(glob);
  return names.filter((name) => !isSystemSchema(name) && re.test(name));
}
