/**
 * The ports the backup core needs from outside (STYLE "small ports"): a
 * process runner for pg_dump / pg_restore / psql, and the few file
 * operations backups need. The core never imports `node:child_process` or
 * `node:fs`; src/backup/node.ts implements both for Node.
 */

/** What a finished process reported. `missing`: the program was not found. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

/** Runs a program to completion (no shell: arguments are passed as they are). */
export interface ProcessRunner {
  run(command: string, args: readonly string[], options?: { env?: Record<string, string | undefined> }): Promise<ProcessResult>;
}

/** The file operations of backups. Private files are created with mode 0600, directories 0700. */
export interface BackupFiles {
  /** Create a directory (and its parents), mode 0700 when new. */
  mkdir(dir: string): Promise<void>;
  /**
   * Create a new empty file with mode 0600, so a program writing into it keeps
   * that mode. Never over an existing file: it fails (`code` EEXIST) instead.
   */
  createPrivate(path: string): Promise<void>;
  /** Write a new text file with mode 0600; fails (`code` EEXIST) if it exists. */
  writeText(path: string, text: string): Promise<void>;
  readText(path: string): Promise<string>;
  /** Make a file mode 0600 (after another program wrote it). */
  makePrivate(path: string): Promise<void>;
  sha256(path: string): Promise<string>;
  size(path: string): Promise<number>;
  exists(path: string): Promise<boolean>;
  /** File names in a directory ([] when it does not exist). */
  list(dir: string): Promise<string[]>;
  remove(path: string): Promise<void>;
  /** A new private temporary directory, and a way to remove it with its contents. */
  tempDir(): Promise<{ path: string; remove(): Promise<void> }>;
  join(...parts: string[]): string;
}

/** How far a backup, restore or copy is: `done` of `total` steps, and the step starting now (`schema "tenant_7"`). */
export interface BackupProgress {
  done: number;
  total: number;
  step?: string | undefined;
}

/** Told as each step of a backup, restore or copy starts, and once at the end. */
export type OnBackupProgress = (progress: BackupProgress) => void;
