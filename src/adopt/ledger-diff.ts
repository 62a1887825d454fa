/**
 * Adoption into a schema whose cutover ledger already has rows: a re-run of
 * a finished adoption is a no-op; anything else is refused, naming each
 * difference. Extra ledger rows (migrations cutover applied since) are fine.
 * Pure.
 */
import { CutoverError } from '../errors.js';
import type { VersionOrder } from '../migrations/formats/order.js';
import type { LedgerRow } from '../plan/types.js';
import type { AdoptedEntry } from './types.js';

/** One way the ledger differs from what adoption would write. */
export interface LedgerDifference {
  version: string;
  /** `absent`: adoption would write it, the ledger lacks it; `checksum` / `state`: the ledger's row differs. */
  kind: 'absent' | 'checksum' | 'state';
  ledger?: { checksum: string; state: string };
  adopt?: { checksum: string };
}

/** What the ledger says about an adoption. */
export type LedgerVerdict = { kind: 'empty' } | { kind: 'same' } | { kind: 'different'; differences: LedgerDifference[] };

/**
 * Compare the rows adoption would write with the ledger's.
 *
 * @example
 * compareWithLedger(entries, ledgerRows, order); // { kind: 'same' } on a re-run
 */
export function compareWithLedger(entries: readonly AdoptedEntry[], ledger: readonly LedgerRow[] | undefined, order: VersionOrder): LedgerVerdict {
  if (!ledger || ledger.length === 0) return { kind: 'empty' };
  const rows = new Map(ledger.map((row) => [row.version, row]));
  const differences: LedgerDifference[] = [];
  for (const entry of entries) {
    const row = rows.get(entry.version);
    if (!row) differences.push({ version: entry.version, kind: 'absent', adopt: { checksum: entry.checksum } });
    else if (row.state !== 'applied') differences.push({ version: entry.version, kind: 'state', ledger: { checksum: row.checksum, state: row.state } });
    // A repeatable's checksum changes each time it runs again: its row being there is enough.
    else if (row.checksum !== entry.checksum && !order.repeatable?.(entry.version)) {
      differences.push({ version: entry.version, kind: 'checksum', ledger: { checksum: row.checksum, state: row.state }, adopt: { checksum: entry.checksum } });
    }
  }
  if (differences.length === 0) return { kind: 'same' };
  return { kind: 'different', differences };
}

/**
 * ADOPT_CONFLICT: the ledger already has rows that differ from the adoption.
 *
 * @example
 * throw conflictError('public', [{ version: '2', kind: 'absent' }], 1);
 */
export function conflictError(schema: string, differences: readonly LedgerDifference[], ledgerSize: number): CutoverError {
  const say = (d: LedgerDifference) => (d.kind === 'absent' ? `${d.version} is not in the ledger` : d.kind === 'state' ? `${d.version} is ${d.ledger!.state} in the ledger` : `${d.version} has another checksum in the ledger`);
  const shown = differences.slice(0, 10).map(say).join('; ');
  return new CutoverError('ADOPT_CONFLICT', `schema "${schema}" already has a cutover ledger (${ledgerSize} row${ledgerSize === 1 ? '' : 's'}) that differs from what adoption would write: ${shown}${differences.length > 10 ? `; and ${differences.length - 10} more` : ''}`, {
    hint: `Adoption writes a ledger once, into a schema cutover has not recorded yet; nothing was changed. See cutover status. If the ledger is wrong, remove its rows (DELETE FROM "${schema.replace(/"/g, '""')}".cutover_migrations) and adopt again; if the old tool still applies migrations to this schema, switch it off first.`,
    details: { schema, differences },
  });
}
