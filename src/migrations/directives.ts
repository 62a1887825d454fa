/**
 * Header directives (DESIGN §1): comment lines at the top of a file, before
 * the first statement. `-- cutover:phase post`, `-- cutover:no-transaction`,
 * `-- cutover:lock-timeout 10s`, `-- cutover:statement-timeout 5min`,
 * `-- cutover:lint-ignore <rule>[,<rule>] <reason>`. sqlx's first-line
 * `-- no-transaction` is honoured. An unknown `cutover:` directive is an error.
 */
import { CutoverError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { didYouMean } from '../suggest.js';
import type { Directives } from './types.js';

/** Every directive name, for docs and "did you mean". */
export const DIRECTIVES = ['phase', 'no-transaction', 'lock-timeout', 'statement-timeout', 'lint-ignore'] as const;

/**
 * Read the directives of a file's header.
 *
 * @example
 * parseDirectives('-- cutover:phase post\nALTER TABLE t DROP COLUMN c;', 'x.sql');
 * // { phase: 'post', transaction: true, lintIgnore: [] }
 */
export function parseDirectives(sql: string, file: string): { directives: Directives; problems: CutoverError[] } {
  const directives: Directives = { phase: 'pre', transaction: true, lintIgnore: [] };
  const problems: CutoverError[] = [];
  const lines = sql.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    const lineNo = index + 1;
    if (line === '') continue;
    if (!line.startsWith('--')) break; // the first statement ends the header
    const comment = line.slice(2).trim();
    if (index === 0 && comment === 'no-transaction') {
      directives.transaction = false; // sqlx's form
      continue;
    }
    const match = /^cutover:(\S*)\s*(.*)$/.exec(comment);
    if (!match) continue;
    const [, name, argument] = match as unknown as [string, string, string];
    const bad = (message: string, hint: string) =>
      problems.push(new CutoverError('BAD_DIRECTIVE', `${file}:${lineNo}: ${message}`, { hint, details: { file, line: lineNo, directive: name } }));
    switch (name) {
      case 'phase':
        if (argument === 'pre' || argument === 'post') directives.phase = argument;
        else bad(`cutover:phase must be "pre" or "post", not "${argument}"`, 'Write `-- cutover:phase post` for a contract (post-deploy) migration; pre is the default.');
        break;
      case 'no-transaction':
        if (argument) bad(`cutover:no-transaction takes no value (got "${argument}")`, 'Write `-- cutover:no-transaction` alone on its line.');
        directives.transaction = false;
        break;
      case 'lock-timeout':
      case 'statement-timeout': {
        const ms = parseDuration(argument);
        if (ms === undefined) bad(`cutover:${name} "${argument}" is not a duration`, 'Use a number with a unit: 500ms, 10s, 5min, 1h (0 means no limit).');
        else if (name === 'lock-timeout') directives.lockTimeoutMs = ms;
        else directives.statementTimeoutMs = ms;
        break;
      }
      case 'lint-ignore': {
        const lintMatch = /^(\S+)\s+(\S.*)$/.exec(argument);
        if (!lintMatch) bad('cutover:lint-ignore needs rule ids and a reason', 'Write `-- cutover:lint-ignore <rule>[,<rule>] <why this is safe>`.');
        else directives.lintIgnore.push({ rules: lintMatch[1]!.split(','), reason: lintMatch[2]!, line: lineNo });
        break;
      }
      default:
        problems.push(
          new CutoverError('UNKNOWN_DIRECTIVE', `${file}:${lineNo}: unknown directive "cutover:${name}".${didYouMean(name, DIRECTIVES)}`, {
            hint: `Known directives: ${DIRECTIVES.join(', ')}. A plain comment must not start with "cutover:".`,
            details: { file, line: lineNo, directive: name },
          }),
        );
    }
  }
  return { directives, problems };
}
