/**
 * Commander options derived from the settings table (src/config/settings.ts): the flag, its
 * value, and a help line with the environment variable and the default. The global flags
 * are the settings of `all` commands; a command adds the ones that name it.
 */
import { Option } from 'commander';
import { SETTINGS, type Setting, type SettingKey } from '../config/settings.js';
import { defaultShown } from '../config/settings-docs.js';

/** Commander collector for a flag that may be given more than once (`--format`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `--help` line of a setting: its summary, environment variable and default. */
function helpLine(setting: Setting): string {
  const shown = defaultShown(setting);
  const extra = [setting.env ? `env ${setting.env}` : '', shown !== undefined && setting.kind !== 'boolean' ? `default ${shown}` : ''].filter(Boolean);
  return extra.length ? `${setting.summary} (${extra.join('; ')})` : setting.summary;
}

/**
 * The option of one setting.
 *
 * @example
 * command.addOption(settingOption('postPendingWarn')); // --post-pending-warn <duration>
 */
export function settingOption(key: SettingKey): Option {
  const setting: Setting = SETTINGS[key];
  const option = new Option(setting.value ? `${setting.flag} ${setting.value}` : setting.flag!, helpLine(setting));
  // `--format` may be given twice (`lint --format diesel --format github`).
  return setting.kind === 'format' ? option.argParser(collect) : option;
}

/**
 * The options of the settings whose flag `command` takes (`'all'`: the global flags).
 *
 * @example
 * for (const option of settingOptions('lint')) command.addOption(option); // --lint-rules, --pg-version, …
 */
export function settingOptions(command: string): Option[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((key) => {
    const setting: Setting = SETTINGS[key];
    const takes = command === 'all' ? setting.commands === 'all' : setting.commands !== 'all' && setting.commands.includes(command);
    return takes && setting.flag !== undefined;
  }).map(settingOption);
}

/** The flag values of every setting, by key (commander names each flag's value after the setting). */
export function settingFlags(flags: Record<string, unknown>): Partial<Record<SettingKey, unknown>> {
  return Object.fromEntries((Object.keys(SETTINGS) as SettingKey[]).map((key) => {
    const setting: Setting = SETTINGS[key];
    // A `--no-x` flag only ever says false: commander's implied true is no flag given (the environment and the file may still say).
    return [key, setting.flag?.startsWith('--no-') && flags[key] === true ? undefined : flags[key]];
  }));
}
