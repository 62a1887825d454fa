/**
 * A live progress line on a terminal, for the long runs that are many steps:
 * fleets and backups, restores and copies. One line, redrawn in place with a
 * bar, done/total, failures, the time elapsed and an ETA, at most ten times a
 * second. Only when stderr is a TTY and the output is not `--json` or
 * `--quiet` (src/cli/live.ts's rule): piped output and `--json` are unchanged.
 */
import { formatDuration } from '../duration.js';
import type { CliIo } from './io.js';
import { painter } from './live.js';

/** What the line shows. */
export interface ProgressCounts {
  /** `fleet`, `backup`, `restore`, `copy`. */
  label: string;
  done: number;
  total: number;
  failed: number;
  /** When the run started (ms), for the elapsed time and the ETA. */
  startedAt: number;
  /** What runs now, and any more parts of the line (`9 applied`, `slowest now "t7" 1.2s`). */
  parts?: string[];
}

/** The fewest milliseconds between two redraws: at most ten a second, however many events arrive. */
export const REDRAW_MS = 100;
const BAR_WIDTH = 20;

/**
 * One progress line: a bar, done/total, failures, elapsed, ETA, then the extra parts. `paint`
 * colours it (the identity when colour is off).
 *
 * @example
 * renderProgressLine({ label: 'backup', done: 3, total: 10, failed: 0, startedAt: 0 }, 6000);
 * // 'backup [██████··············] 3/10 · 0 failed · 6s · ETA 14s'
 */
export function renderProgressLine(counts: ProgressCounts, now: number, paint: (style: 'green' | 'red' | 'dim', text: string) => string = (_, t) => t): string {
  const { done, total, failed } = counts;
  const filled = total > 0 ? Math.min(BAR_WIDTH, Math.floor((done / total) * BAR_WIDTH)) : 0;
  const elapsed = Math.max(0, now - counts.startedAt);
  const parts = [
    `${counts.label} [${paint('green', '█'.repeat(filled))}${paint('dim', '·'.repeat(BAR_WIDTH - filled))}] ${done}/${total}`,
    failed > 0 ? paint('red', `${failed} failed`) : `${failed} failed`,
    formatDuration(elapsed),
  ];
  if (done > 0 && done < total && elapsed > 0) parts.push(`ETA ${formatDuration(((total - done) * elapsed) / done)}`);
  return [...parts, ...(counts.parts ?? [])].join(' · ');
}

/** A live line: redraw it (throttled), print a line above it, and take it away at the end. */
export interface LiveProgress {
  /** Whether the line is shown at all (a TTY, not --json, not --quiet). */
  readonly live: boolean;
  /** Redraw now unless the last redraw was less than {@link REDRAW_MS} ago. */
  draw(): void;
  /** Print a line of text (it goes above the progress line). */
  say(text: string): void;
  /** Stop redrawing and clear the line. */
  stop(): void;
}

/**
 * The live progress line of a run: drawn from `counts()` on a timer and on `draw()`, throttled to
 * {@link REDRAW_MS}; the line is cut to the terminal's width so `\r` always returns to its start.
 * Off a terminal, under `--json` or `--quiet`, it draws nothing and `say` prints as usual.
 *
 * @example
 * const progress = liveProgress(io, flags, () => ({ label: 'backup', done, total, failed: 0, startedAt }));
 * onProgress = () => progress.draw(); … progress.stop();
 */
export function liveProgress(io: CliIo, flags: { json?: boolean; quiet?: boolean }, counts: () => ProgressCounts | undefined): LiveProgress {
  const live = io.isTTY && !flags.json && !flags.quiet;
  const paint = painter(io);
  let drawn = false;
  let last = -Infinity;
  const clear = () => {
    if (drawn) io.stderr.write('\r\x1b[2K');
    drawn = false;
  };
  const redraw = (force: boolean) => {
    const now = io.now().getTime();
    if (!live || (!force && now - last < REDRAW_MS)) return;
    const shown = counts();
    if (!shown) return;
    last = now;
    const line = renderProgressLine(shown, now, paint);
    io.stderr.write(`\r\x1b[2K${fitTo(line, io.columns)}`);
    drawn = true;
  };
  const timer = live ? setInterval(() => redraw(false), REDRAW_MS) : undefined;
  timer?.unref?.(); // never keeps the process alive
  return {
    live,
    draw: () => redraw(false),
    say(text) {
      if (flags.quiet) return;
      clear();
      io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      if (live && last > -Infinity) redraw(true);
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

/** Cut a line to `columns - 1` visible characters (escape sequences kept), so it never wraps. */
export function fitTo(line: string, columns: number | undefined): string {
  if (!columns || columns < 2) return line;
  let visible = 0;
  let out = '';
  // eslint-disable-next-line no-control-regex
  for (const piece of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (piece.startsWith('\x1b[')) {
      out += piece;
      continue;
    }
    const room = columns - 1 - visible;
    const chars = [...piece];
    out += chars.slice(0, Math.max(0, room)).join('');
    visible += Math.min(chars.length, Math.max(0, room));
  }
  return out;
}

/** Steps as the backup side tells them (src/backup/ports.ts `BackupProgress`). */
interface Steps {
  done: number;
  total: number;
  step?: string | undefined;
}

/**
 * Run a backup, restore or copy with a live progress line of its steps (only on a terminal, as
 * {@link liveProgress}); the line is gone when `work` ends, however it ends.
 *
 * @example
 * const report = await withStepProgress(context, 'backup', (onProgress) => backup({ url, onProgress }));
 */
export async function withStepProgress<T>(context: { io: CliIo; flags: { json?: boolean; quiet?: boolean } }, label: string, work: (onProgress: (steps: Steps) => void) => Promise<T>): Promise<T> {
  const startedAt = context.io.now().getTime();
  let latest: Steps | undefined;
  const line = liveProgress(context.io, context.flags, () => latest && { label, done: latest.done, total: latest.total, failed: 0, startedAt, parts: latest.step ? [latest.step] : [] });
  try {
    return await work((steps) => {
      latest = steps;
      line.draw();
    });
  } finally {
    line.stop();
  }
}
