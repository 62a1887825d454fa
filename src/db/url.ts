/**
 * Database URLs as cutover shows them: described without the password, and
 * passwords removed from any text that might hold one. Apart from pg.ts so
 * that commands that never connect (lint, config) do not load node-postgres.
 */
import { CutoverError } from '../errors.js';

/**
 * `postgres://user@host:port/db` without the password, or an INVALID_URL error.
 *
 * @example
 * describeUrl('postgres://app:secret@db:5432/app'); // 'postgres://app@db:5432/app'
 */
export function describeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw invalidUrl(url, error);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw invalidUrl(url);
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  return `postgres://${user}${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
}

/**
 * Remove any password from a string that might hold a URL: of any scheme (a
 * mistyped `mysql://` or `postgress://` URL is echoed in errors too), up to
 * the last `@` (a raw `@` inside a password), and `user:password@host` typed
 * without a scheme.
 */
export function redact(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, '$1:***@')
    .replace(/(^|[\s"(])([^:/@\s"'(]+):[^\s"'/@]*@/g, '$1$2:***@');
}

function invalidUrl(url: string, cause?: unknown): CutoverError {
  return new CutoverError('INVALID_URL', `invalid database URL "${redact(url)}"`, {
    hint: 'Use the form postgres://user:password@host:5432/database (percent-encode special characters in the password).',
    details: { url: redact(url) },
    cause,
  });
}
