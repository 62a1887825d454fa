/**
 * The data of `cutover adopt` (issue 7): another tool's history read into
 * one common shape, and the report of what adoption writes into
 * cutover's ledger. Pure data: the readers (history/) fill it, the matcher
 * (match.ts) and the renderers read it.
 */
import type { CutoverError } from '../errors.js';
import type { Migration, Phase } from '../migrations/types.js';
import type { VersionOrder } from '../migrations/formats/order.js';
import type { Session } from '../db/session.js';

/**
 * The tools whose history `adopt --from` reads.
 *
 * @example
 * SOURCE_TOOLS.includes('flyway'); // true
 */
export const SOURCE_TOOLS = ['sqlx', 'diesel', 'golang-migrate', 'dbmate', 'flyway', 'prisma', 'node-pg-migrate', 'goose', 'drizzle', 'knex', 'kysely', 'supabase'] as const;

/** A tool `adopt --from` reads. */
export type SourceTool = (typeof SOURCE_TOOLS)[number];

/** A checksum the tool recorded that cutover can compute again from the file. */
export type ToolChecksum =
  /** sqlx: SHA-384 of the file's bytes (hex). */
  | { kind: 'sha384'; hex: string }
  /** Flyway: CRC32 over the file's lines, as a signed 32-bit integer. */
  | { kind: 'crc32'; value: number }
  /** Prisma: SHA-256 of migration.sql (hex). */
  | { kind: 'sha256'; hex: string }
  /** drizzle: SHA-256 (hex) of the file's text with CRLF turned into LF. */
  | { kind: 'sha256-lf'; hex: string };

/** One migration as the tool's history records it. */
export interface HistoryRow {
  /**
   * What the row names: the version in the tool's form (sqlx `42`, diesel
   * `20170923182408`, Flyway `1.10`, dbmate `20240101120000`), Prisma's
   * `migration_name`, node-pg-migrate's `name`, or a Flyway repeatable's script.
   */
  key: string;
  /** The tool's description of it, when it has one. */
  description: string | null;
  /** `failed`: sqlx `success = false`, golang-migrate `dirty`, Flyway `success = false`, Prisma unfinished and not rolled back. */
  state: 'applied' | 'failed';
  appliedAt: Date | null;
  durationMs: number | null;
  checksum?: ToolChecksum;
  /** A Flyway repeatable (version NULL): matched by its script. */
  repeatable?: boolean;
}

/** Every migration at or below `version` counts as applied, with or without a row of its own. */
export interface AppliedThrough {
  version: string;
  /** golang-migrate's one-row table, or a Flyway baseline row. */
  kind: 'current-version' | 'baseline';
  appliedAt: Date | null;
}

/** A tool's history, read. */
export interface ToolHistory {
  tool: SourceTool;
  /** The qualified table, for messages: `"public"._sqlx_migrations`. */
  table: string;
  /** The rows that count, one per key (the latest), in the tool's order. */
  rows: HistoryRow[];
  through?: AppliedThrough;
  /** Rows read and set aside, and why (Flyway's schema-creation marker, Prisma's rolled-back attempts …). */
  ignored: { key: string; why: string }[];
}

/** What adoption needs to know about one tool. */
export interface HistoryReader {
  tool: SourceTool;
  /** The history table's default name. */
  table: string;
  /** The schema the tool keeps its table in, when not the schema it migrates (drizzle's `drizzle`). */
  schema?: string;
  /** Columns that make the table this tool's (and tell dbmate's `schema_migrations` from golang-migrate's). */
  columns: { required: readonly string[]; absent?: readonly string[] };
  /** Read the table (it exists and has the columns). `table` is qualified and quoted. */
  read(session: Session, table: string): Promise<Omit<ToolHistory, 'table'>>;
  /** Does `row` name `migration`? The default compares versions by the layout's order. */
  matches?(row: HistoryRow, migration: Migration, order: VersionOrder): boolean;
  /** The ledger version and name for a row that has no file (`--allow-missing`). */
  ledgerKey?(row: HistoryRow, order: VersionOrder): { version: string; name: string };
  /** The command that settles a failed row. */
  fix(row: HistoryRow, context: { table: string; previous: string | undefined }): string;
}

/** Why a migration is adopted as applied. */
export type AdoptedBecause = 'row' | 'current-version' | 'baseline' | 'adopt-baseline';

/** One row adoption writes into `cutover_migrations`. */
export interface AdoptedEntry {
  version: string;
  name: string;
  phase: Phase;
  /** cutover's checksum of the file as it is now (or a marker: see docs/adopt.md). */
  checksum: string;
  transactional: boolean;
  /** Null: the tool did not record it; the ledger gets the time of adoption. */
  appliedAt: Date | null;
  durationMs: number | null;
  file?: string;
  because: AdoptedBecause;
  /** The file was edited since the tool applied it (adopted with `--accept-edited`). */
  edited?: boolean;
  /** No file in the directory (adopted with `--allow-missing`). */
  missingFile?: boolean;
  /** A Flyway repeatable changed since Flyway last ran it: recorded so that it runs again. */
  rerun?: boolean;
}

/** A history row whose migration is not in the directory. */
export interface RowWithoutFile {
  key: string;
  description: string | null;
  appliedAt: Date | null;
}

/** A file the tool never applied: it stays pending. */
export interface PendingFile {
  version: string;
  file: string;
  /** `newer`: after the newest adopted migration (normal); `older`: before it, so out of order; `repeatable`: Flyway's R__. */
  position: 'newer' | 'older' | 'repeatable';
}

/** A file whose checksum differs from the one the tool recorded when it applied it. */
export interface EditedFile {
  version: string;
  file: string;
  recorded: string;
  actual: string;
}

/** What adoption found and decided, before anything is written. Pure data. */
export interface AdoptionPlan {
  entries: AdoptedEntry[];
  rowsWithoutFiles: RowWithoutFile[];
  pending: PendingFile[];
  edited: EditedFile[];
  /** Refusals: dirty or failed history, rows without files, edited files. Empty: adoption may go ahead. */
  problems: CutoverError[];
}

/** What `adopt` reports. */
export interface AdoptReport {
  schema: string;
  target: string;
  /** The tool, or `baseline`. */
  from: SourceTool | 'baseline';
  /** The history table read (`--from`). */
  table?: string;
  /** `--baseline <version>`. */
  baseline?: string;
  dryRun: boolean;
  /** `adopted` (written), `would-adopt` (dry run), `already-adopted` (a re-run: nothing to do), `nothing-to-adopt` (an empty history). */
  outcome: 'adopted' | 'would-adopt' | 'already-adopted' | 'nothing-to-adopt';
  entries: AdoptedEntry[];
  rowsWithoutFiles: RowWithoutFile[];
  pending: PendingFile[];
  edited: EditedFile[];
  ignored: { key: string; why: string }[];
  /** The SQL written (or, in a dry run, that would be). */
  statements: string[];
}
