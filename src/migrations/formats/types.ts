/**
 * The layouts cutover reads (issue 7): its own, and those of sqlx, diesel,
 * golang-migrate, dbmate, Flyway and Prisma. A layout turns the paths of a
 * source into migrations: which file is whose up and down script, the
 * version (in the tool's own form) and the tool's per-migration settings.
 * Directives, checksums and parsing are the same for every layout (src/migrations/load.ts).
 */
import type { CutoverError } from '../../errors.js';
import type { VersionOrder } from './order.js';

/** Every layout, for `--format` and the config key `format`. */
export const FORMATS = ['cutover', 'sqlx', 'diesel', 'golang-migrate', 'dbmate', 'flyway', 'prisma'] as const;

/** A layout's id. */
export type FormatId = (typeof FORMATS)[number];

/** `--format`: a layout, or `auto` (detect it from the paths). */
export type FormatOption = FormatId | 'auto';

/** Read one path of the source as text (BOM stripped, CRLF turned into LF), or the reason it cannot be. */
export type ReadText = (path: string) => Promise<string | CutoverError>;

/** A script as the layout found it. */
export interface FoundScript {
  /** Its path in the source (`/`-separated), for messages. */
  file: string;
  /**
   * The text to run. Where a file holds several sections (dbmate), the
   * other section's lines are blanked, so line numbers still match the file.
   */
  text: string;
  /** The layout's own transaction setting (diesel's metadata.toml, dbmate's `transaction:false`, a Flyway .conf). */
  transaction?: boolean;
  /**
   * The file's text, when `text` is a rewriting of it that keeps its
   * positions (golang-migrate's own `BEGIN;`/`COMMIT;` blanked): the
   * checksum is of this, so how a file is read never makes it look edited.
   */
  original?: string;
}

/** A migration as the layout found it. */
export interface FoundMigration {
  /** The version in the tool's own form (as its history table stores it). */
  version: string;
  /** The description part of the name. */
  name: string;
  up: FoundScript;
  down?: FoundScript;
  /** A Flyway repeatable (`R__…`): re-applied whenever its checksum changes, after the versioned ones. */
  repeatable?: boolean;
}

/** One layout. */
export interface MigrationFormat {
  id: FormatId;
  /** The layout in a few words, for messages (`<version>_<name>/up.sql`). */
  layout: string;
  /** How the tool orders versions. */
  order: VersionOrder;
  /**
   * Group the source's paths into migrations. Every `.sql` path the layout
   * cannot place is a problem (a typo must never skip a migration silently).
   */
  collect(paths: readonly string[], read: ReadText): Promise<Collected>;
  /**
   * What the tool does with a file that holds no statement (0 bytes, or
   * comments only): `no-op` runs nothing and records it applied (golang-migrate,
   * Flyway, sqlx, Prisma, dbmate, diesel's comment-only files); `refuse` is
   * cutover's own rule (EMPTY_FILE).
   */
  emptyFiles: 'no-op' | 'refuse';
}

/** A path the layout leaves alone, as its tool does, and why (shown by `plan --verbose`). */
export interface IgnoredPath {
  file: string;
  reason: string;
  /**
   * A migration of another kind that shares the version sequence (a Flyway
   * Java migration): cutover cannot run it, so it is a gap, said on every run.
   */
  gap?: boolean;
}

/** What a layout made of a source's paths. */
export interface Collected {
  found: FoundMigration[];
  problems: CutoverError[];
  /** Paths the tool ignores (cutover ignores them too, and lists them). */
  ignored?: IgnoredPath[];
}
