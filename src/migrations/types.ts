/**
 * The migration model: what a migration file becomes once read, and the
 * small port through which the core reads files (a directory, a bundle, or
 * anything else that can list names and return bytes).
 */
import type { FormatId } from './formats/types.js';

/** Deploy phase (DESIGN §1 "Phases"): `pre` = expand, `post` = contract. */
export type Phase = 'pre' | 'post';

/** Where migration files come from. A directory and a bundle both fit. */
export interface MigrationSource {
  /** For messages: the directory path, or `bundle`. */
  readonly location: string;
  /**
   * Paths relative to the source, `/`-separated, in any order: the files at
   * the top, and the files in sub-folders (diesel and Prisma keep a
   * directory per migration; Flyway scans its locations recursively). Each
   * layout decides which of them it reads.
   */
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
  /** SHA-256 (hex) of `sql` as UTF-8, without its `-- cutover:lint-ignore` lines. */
  checksum: string;
  /** SHA-256 of the whole `sql`, when it has lint-ignore lines: ledgers written before they were left out recorded this one. */
  fileChecksum?: string;
  /** The layout's tool runs a file without statements (empty, or comments only) as a no-op: so does cutover. */
  emptyIsNoOp?: boolean;
}

/** A migration: its up script and, for reversible pairs, its down script. */
export interface Migration extends MigrationScript {
  /** Canonical version: for cutover's names, digits without leading zeros; other layouts keep their tool's form. */
  version: string;
  /** The description part of the file name. */
  name: string;
  /** The layout it was read from; its versions are ordered by that tool's rule (`versionOrder(format)`). */
  format: FormatId;
  /** A Flyway repeatable: applied after the versioned migrations, again whenever its checksum changes. */
  repeatable?: boolean;
  /** How the tool's history names it when that is neither the version nor the file (drizzle's journal `when`), for `adopt`. */
  toolKey?: string;
  down?: MigrationScript;
}
