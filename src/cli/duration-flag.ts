/** Parsing a command's duration flag (`--wait 10min`, `--timeout 60s`) into ms, or a USAGE error. */
import { CutoverError } from '../errors.js';
import { parseDuration } from '../duration.js';

/**
 * Milliseconds from a flag's value; undefined when the flag is absent.
 *
 * @example
 * durationFlag('--wait', '10min'); // 600000
 */
export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new CutoverError('USAGE', `${flag} ${JSON.stringify(value)} is not a duration`, {
      hint: 'Use a number with a unit: 500ms, 10s, 5min, 1h.', details: { setting: flag },
    });
  }
  return ms;
}
