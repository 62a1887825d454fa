/** `cutover config --print`: the effective settings and where each came from. */
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { SETTINGS, type SettingKey } from '../../config/settings.js';
import type { Runner } from '../program.js';

/** Register the command. */
export function register(program: Command, runner: Runner): void {
  program
    .command('config')
    .description('show the effective settings and where each came from (flag, env, file, default)')
    .option('--print', 'print the settings (the default)')
    .action(runner.action(async (context) => {
      const origins = context.settings.origins;
      const keys = Object.keys(SETTINGS) as SettingKey[];
      const rows = keys.map((key) => [key, origins[key].shown ?? (key === 'url' ? '(not set: the embedded dev database)' : '(not set)'), origins[key].origin + (origins[key].source ? ` ${origins[key].source}` : '')]);
      const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
      const text = rows.map((r) => `${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[2]}`).join('\n');
      context.result({ ok: true, settings: origins }, text);
      return EXIT.ok;
    }));
}
