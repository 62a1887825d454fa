/**
 * What the CLI needs from the process, passed in so `main(argv, io)` can be
 * run in tests without spawning anything: output streams, the environment,
 * the working directory, a clock and a way to wait for Ctrl-C.
 */

/** The process, as the CLI sees it. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Whether stderr is a terminal (colours, progress). */
  isTTY: boolean;
  /** The terminal's width, when stderr is one (a progress line is cut to it). */
  columns?: number | undefined;
  now(): Date;
  /** Resolves on SIGINT/SIGTERM (for `cutover dev`). */
  waitForInterrupt(): Promise<void>;
  /** Listen for these signals (`cutover exec` passes them on to its child) instead of dying of them; returns the unsubscribe. */
  onSignal?(signals: readonly NodeJS.Signals[], listener: (signal: NodeJS.Signals) => void): () => void;
  /** Ask a yes/no question on the terminal (restore, rollback from a backup); absent: no one to ask. */
  confirm?(question: string): Promise<boolean>;
}
