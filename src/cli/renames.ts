/**
 * One name per concept across commands (issue 17): flags renamed so that a name means one
 * thing everywhere. The old spelling still works, is hidden from `--help`, and warns.
 * `--backup-dir` is the backup directory (was `backup --out`, `restore --out`);
 * `--all-schemas` is every schema (was `backup --all`); `--include-expired` is what
 * `instances --all` did; `--keep-scratch` is what `rehearse --keep` did (`--keep <n>` stays
 * backup retention); `lint --output` is the output format (was a second `--format`).
 */
import { Option, type Command } from 'commander';

/** Each command's renamed flags: the old spelling and the name it now has. */
export const RENAMES: Record<string, readonly { old: string; now: string }[]> = {
  backup: [{ old: '--out <dir>', now: '--backup-dir' }, { old: '--all', now: '--all-schemas' }],
  restore: [{ old: '--out <dir>', now: '--backup-dir' }],
  instances: [{ old: '--all', now: '--include-expired' }],
  rehearse: [{ old: '--keep', now: '--keep-scratch' }],
};

const key = (flag: string) => flag.split(' ')[0]!.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * Add the old spellings of a command's renamed flags, hidden from `--help`.
 *
 * @example
 * addRenamed(program.command('backup').option('--backup-dir <dir>', '…'));
 */
export function addRenamed(command: Command): Command {
  for (const { old, now } of RENAMES[command.name()] ?? []) command.addOption(new Option(old, `deprecated: use ${now}`).hideHelp());
  return command;
}

/**
 * Move an old spelling's value to the new name, and say so once per flag.
 *
 * @example
 * applyRenames('backup', flags, (text) => io.stderr.write(text)); // flags.backupDir = flags.out
 */
export function applyRenames(command: string, flags: Record<string, unknown>, warn: (text: string) => void): void {
  for (const { old, now } of RENAMES[command] ?? []) {
    if (flags[key(old)] === undefined) continue;
    warn(`warning: ${command} ${old.split(' ')[0]} is deprecated: use ${now} (the same meaning; the old name goes in a later version)`);
    flags[key(now)] ??= flags[key(old)];
    delete flags[key(old)];
  }
}
