/**
 * The migration model: what a migration file becomes once read, and the
 * small port through which the core reads files (a directory, a bundle, or
 * anything else that can list names and return bytes).
 */

/** Deploy phase (DESIGN §1 "Phases"): `pre` = expand, `post` = contract. */
export type Phase = 'pre' | 'post';

/** Where migration files come from. A directory and a bundle both fit. */
export interface MigrationSource {
  /** For messages: the directory path, or `bundle`. */
  readonly location: string;
  /** File names (not paths), in any order. */
  list(): Promise<string[]>;
  /** The file's raw bytes. */
  read(name: string): Promise<Uint8Array | string>;
}

/** Settings from a file's header directives. */
export interface Directives {
  phase: Phase;
  transaction: boolean;
  /** `-- cutover:lock-timeout`, in milliseconds. */
  lockTimeoutMs?: number;
  /** `-- cutover:statement-timeout`, in milliseconds. */
  statementTimeoutMs?: number;
  lintIgnore: { rules: string[]; reason: string; line: number }[];
}

/** One file's text, ready to run. */
export interface MigrationScript extends Directives {
  /** File name, for messages. */
  file: string;
  /** Text with the BOM stripped and CRLF turned into LF. */
  sql: string;
  /** SHA-256 (hex) of `sql` as UTF-8. */
  checksum: string;
}

/** A migration: its up script and, for reversible pairs, its down script. */
export interface Migration extends MigrationScript {
  /** Canonical version: digits without leading zeros. */
  version: string;
  /** The version as a number, for ordering. */
  order: bigint;
  /** The description part of the file name. */
  name: string;
  down?: MigrationScript;
}
