/** Parsing a command's duration flag (`--wait 10min`, `--timeout 60s`) into ms, or a USAGE error. */
import { CutoverError } from '../errors.js';
import { durationHint, parseDurationSetting } from '../duration.js';

/**
 * Milliseconds from a flag's value; undefined when the flag is absent. The unit is required.
 *
 * @example
 * durationFlag('--wait', '10min'); // 600000
 */
export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDurationSetting(value);
  if ('problem' in parsed) {
    throw new CutoverError('USAGE', `${flag} ${JSON.stringify(value)} is not a duration${parsed.problem === 'not a duration' ? '' : ` (${parsed.problem})`}`, {
      hint: durationHint(parsed.problem, value), details: { setting: flag },
    });
  }
  return parsed.ms;
}
