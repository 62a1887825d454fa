/**
 * The fleet flags of `migrate` and `status`, and whether a run is a fleet run.
 * Apart from the fleet runner (./fleet-run.ts), which a run over one schema never loads.
 */
import { Option, type Command } from 'commander';
import type { Context } from '../context.js';

/** The fleet flags (shared by migrate and status). */
export interface FleetFlags {
  schemasQuery?: string;
  allSchemas?: boolean;
  concurrency?: string;
  canary?: string;
  continueOnError?: boolean;
  shard?: string;
}

/** Add the target selectors but `--schemas` (a setting: the table's commands get it) and, for migrate, the run flags to a command. */
export function addFleetOptions(command: Command, run: boolean): Command {
  command
    .option('--schemas-query <sql>', 'fleet: the schemas a query returns (one text column)')
    .option('--all-schemas', 'fleet: every schema that has a cutover ledger')
    .addOption(new Option('--concurrency <n>', 'fleet: targets at once (default: from CPUs and free connections)'))
    .option('--shard <i/n>', 'fleet: only the i-th of n deterministic shares of the targets');
  if (run) {
    command
      .option('--canary <n>', 'fleet: migrate n targets first, stop if any fails')
      .option('--continue-on-error', 'fleet: go on past a failed target (default: stop starting new ones)');
  }
  return command;
}

/** The schemas of a `--schema a,b,c` list, or undefined for one schema. */
export function listed(schema: string): string[] | undefined {
  if (!schema.includes(',')) return undefined;
  return schema.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Whether the command runs over many targets. */
export function isFleet(context: Context, flags: FleetFlags): boolean {
  return context.settings.schemas !== undefined || flags.schemasQuery !== undefined || flags.allSchemas === true
    || listed(context.settings.schema) !== undefined || context.settings.targets !== undefined;
}
