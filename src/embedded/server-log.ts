/**
 * The embedded server's own output (initdb, postmaster stderr) arrives in
 * arbitrary chunks. It is split into lines for the caller's `onLog` (never
 * stdout), and the last lines are kept to explain a failed start.
 */

/** Lines kept for error messages. */
const TAIL = 30;

/**
 * Collects server output line by line.
 *
 * @example
 * const log = new ServerLog((line) => console.error(line));
 * log.write('LOG:  database system is ready\nLOG:  ch');
 * log.tail(); // ['LOG:  database system is ready']
 */
export class ServerLog {
  private partial = '';
  private readonly lines: string[] = [];

  constructor(private readonly onLog: (line: string) => void) {}

  /** Feed a chunk of output; complete lines go to `onLog`. */
  write(chunk: string): void {
    const parts = (this.partial + chunk.replace(/^\[STDERR\] /, '')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.line(line);
  }

  /** A line of our own (what startEmbedded is doing). */
  line(line: string): void {
    if (line.trim() === '') return;
    this.lines.push(line);
    if (this.lines.length > TAIL) this.lines.shift();
    this.onLog(line);
  }

  /** The last lines seen, including an unterminated one. */
  tail(): string[] {
    return this.partial.trim() === '' ? [...this.lines] : [...this.lines, this.partial];
  }

  /** Whether any recent line matches. */
  saw(pattern: RegExp): boolean {
    return this.tail().some((line) => pattern.test(line));
  }
}
