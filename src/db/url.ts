/**
 * Database URLs as cutover shows them: described without the password, and
 * passwords removed from any text that might hold one. Apart from pg.ts so
 * that commands that never connect (lint, config) do not load node-postgres.
 */
import { describeConninfo, parseConninfo, redactPasswordKeywords } from './conninfo.js';

/**
 * `postgres://user@host:port/db` without the password, or an INVALID_URL error. Takes
 * whatever libpq takes: URLs (with a socket directory too) and keyword strings.
 *
 * @example
 * describeUrl('postgres://app:secret@db:5432/app'); // 'postgres://app@db:5432/app'
 */
export function describeUrl(url: string): string {
  return describeConninfo(parseConninfo(url));
}

/**
 * Remove any password from a string that might hold a URL: of any scheme (a
 * mistyped `mysql://` or `postgress://` URL is echoed in errors too), up to
 * the last `@` (a raw `@` inside a password), and `user:password@host` typed
 * without a scheme.
 */
export function redact(text: string): string {
  return redactPasswordKeywords(text)
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, '$1:***@')
    .replace(/(^|[\s"(])([^:/@\s"'(]+):[^\s"'/@]*@/g, '$1$2:***@');
}
