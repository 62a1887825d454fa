/**
 * The layouts cutover reads (issues 7, 15): its own, and those of sqlx, diesel,
 * golang-migrate, dbmate, Flyway, Prisma, goose, drizzle-kit, node-pg-migrate
 * and the Supabase CLI. A layout turns the paths of a
 * source into migrations: which file is whose up and down script, the
 * version (in the tool's own form) and the tool's per-migration settings.
 * Directives, checksums and parsing are the same for every layout (src/migrations/load.ts).
 */
import type { CutoverError } from '../../errors.js';
import type { VersionOrder } from './order.js';

/** Every layout, for `--format` and the config key `format`. */
export const FORMATS = ['cutover', 'sqlx', 'diesel', 'golang-migrate', 'dbmate', 'flyway', 'prisma', 'goose', 'drizzle', 'node-pg-migrate', 'supabase'] as const;

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
  /** How the tool's history names it when that is neither the version nor the file: drizzle's journal `when` (`__drizzle_migrations.created_at`). */
  toolKey?: string;
}

/**
 * Something the layout's tool does with a file that is not running it as a
 * SQL migration: `ignored` (the tool skips it: drizzle's orphan file, a
 * Supabase name outside its pattern; listed by `plan --verbose`) or `gap` (a
 * Go or JavaScript migration sharing the version sequence, which cutover
 * cannot run: always said).
 */
export interface FormatNotice {
  kind: 'ignored' | 'gap';
  /** The path in the source. */
  file: string;
  /** The version the tool gives it, where it has one (a gap's place in the order). */
  version?: string;
  /** Why, in the tool's words where it has some. */
  reason: string;
}

/** What a layout makes of a source's paths. */
export interface Collected {
  found: FoundMigration[];
  problems: CutoverError[];
  /** Files the tool skips or that cutover cannot run (never skipped silently). */
  notices?: FormatNotice[];
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
   * Flyway, sqlx, Prisma, dbmate, diesel's comment-only files); `refuse`
   * (the default) is cutover's own rule (EMPTY_FILE).
   */
  emptyFiles?: 'no-op' | 'refuse';
}
