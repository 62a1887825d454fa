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
 * without a scheme. One pass over the text (issue 16.8: the regular
 * expressions this replaced backtracked quadratically on a long word, such
 * as a 140k-character literal in an error's code frame).
 *
 * @example
 * redact('cannot connect to postgres://app:secret@db/app'); // 'cannot connect to postgres://app:***@db/app'
 */
export function redact(input: string, work?: { steps: number }): string {
  const text = redactPasswordKeywords(input); // `password=…` in keyword strings and URL queries
  let out = '';
  let done = 0;
  // Words: runs of non-whitespace, each redacted on its own (no password spans whitespace).
  for (let start = 0; start < text.length;) {
    while (start < text.length && isSpace(text.charCodeAt(start))) start++;
    let end = start;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    if (end > start) {
      const cuts = passwordSpans(text, start, end, work);
      for (const [from, to] of cuts) {
        out += `${text.slice(done, from)}***`;
        done = to;
      }
    }
    if (work) work.steps += end - start + 1;
    start = end;
  }
  return done === 0 ? text : out + text.slice(done);
}

const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)
  || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
const SCHEME = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;

/**
 * The password spans `[from, to)` in the word `text[start, end)`, in order:
 * `scheme://user:PASSWORD@` (the password up to the word's last `@`), then
 * `user:PASSWORD@` at the word's start or after `"` or `(`, the user without
 * `:/@"'(`, the password without `"'/@`. Each character is looked at a bounded
 * number of times.
 */
function passwordSpans(text: string, start: number, end: number, work?: { steps: number }): [number, number][] {
  const lastAt = text.lastIndexOf('@', end - 1);
  if (lastAt < start) return [];
  const spans: [number, number][] = [];
  // scheme://user:password@ (the first `://` that has a scheme, a user and a colon before the last `@`)
  for (let sep = text.indexOf('://', start), from = start; sep !== -1 && sep < end; from = sep + 3, sep = text.indexOf('://', from)) {
    let scheme = sep;
    while (scheme > from && SCHEME.test(text[scheme - 1]!)) scheme--;
    while (scheme < sep && !LETTER.test(text[scheme]!)) scheme++;
    let user = sep + 3;
    while (user < end && !':/@'.includes(text[user]!)) user++;
    if (work) work.steps += user - scheme;
    if (scheme < sep && text[user] === ':' && user < lastAt) {
      spans.push([user + 1, lastAt]);
      break;
    }
  }
  // user:password@, typed without a scheme, in the word as the first rule left it (its password hidden).
  const hidden = spans[0] ?? [end, end];
  const ch = (i: number) => (i >= hidden[0] && i < hidden[1] ? '*' : text[i]!);
  let stop = -1; // the first of `"'/@` at or after the password's start (only moves forward)
  for (let candidate = start; candidate < end;) {
    let user = candidate;
    while (user < end && !':/@"\'('.includes(ch(user))) user++;
    if (work) work.steps += user - candidate + 1;
    let next = user;
    if (user > candidate && ch(user) === ':') {
      if (stop <= user) for (stop = user + 1; stop < end && !'"\'/@'.includes(ch(stop)); stop++) if (work) work.steps++;
      if (stop < end && ch(stop) === '@') {
        spans.push([user + 1, stop]);
        next = stop + 1;
      }
    }
    // The next candidate starts after the next `"` or `(`.
    while (next < end && ch(next) !== '"' && ch(next) !== '(') next++;
    if (work) work.steps += next - user;
    candidate = next + 1;
  }
  // In order, overlaps joined (a password of the second rule can hold the first rule's).
  spans.sort((x, y) => x[0] - y[0]);
  const joined: [number, number][] = [];
  for (const span of spans) {
    const last = joined[joined.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else joined.push([...span]);
  }
  return joined;
}
