/**
 * Live output on a terminal: each migration's line appears when it starts
 * and shows the time elapsed while it runs, then becomes its result line;
 * colour through `node:util` `styleText`. Only when stderr is a TTY and the
 * output is not `--json` or `--quiet`: piped output is unchanged. Colour
 * follows NO_COLOR / FORCE_COLOR (https://no-color.org, https://force-color.org).
 */
import { styleText } from 'node:util';
import type { RunEvent } from '../run/events.js';
import type { CliIo } from './io.js';

type Style = Parameters<typeof styleText>[0];

/**
 * Whether to colour: FORCE_COLOR (not `0`) forces it, NO_COLOR (not empty) forbids it, else a TTY.
 *
 * @example
 * useColor({ isTTY: true, env: { NO_COLOR: '1' } }); // false
 */
export function useColor(io: Pick<CliIo, 'isTTY' | 'env'>): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY;
}

/** A painter: `styleText` when colouring, the text as it is otherwise. */
export function painter(io: Pick<CliIo, 'isTTY' | 'env'>): (style: Style, text: string) => string {
  const on = useColor(io);
  return (style, text) => (on ? styleText(style, text, { validateStream: false }) : text);
}

const TICK_MS = 200;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * The live renderer of run events on a terminal: returns true for the events it showed (the
 * caller prints the others as usual).
 *
 * @example
 * const live = liveRenderer(io); if (!live(event)) say(renderEvent(event));
 */
export function liveRenderer(io: CliIo, render: (event: RunEvent) => string | undefined): (event: RunEvent) => boolean {
  const paint = painter(io);
  let running: { label: string; started: number; timer: ReturnType<typeof setInterval> } | undefined;
  const line = (text: string) => io.stderr.write(`\r\x1b[2K${text}`);
  const stop = () => {
    if (running) clearInterval(running.timer);
    running = undefined;
  };
  return (event) => {
    if (event.type === 'migration-started') {
      stop();
      const label = `${event.migration.direction === 'down' ? 'rolling back' : 'applying'} ${event.migration.file}`;
      const started = Date.now();
      const timer = setInterval(() => line(`${paint('cyan', '…')} ${label} ${paint('dim', seconds(Date.now() - started))}`), TICK_MS);
      timer.unref?.(); // never keeps the process alive
      running = { label, started, timer };
      line(`${paint('cyan', '…')} ${label}`);
      return true;
    }
    if (event.type === 'migration-finished' || event.type === 'migration-failed' || event.type === 'migration-retrying') {
      const wasRunning = running !== undefined;
      stop();
      const text = render(event);
      if (event.type === 'migration-failed') {
        if (wasRunning) line(`${paint('red', '✗')} ${event.migration.file} failed\n`);
        return true;
      }
      if (text === undefined) return wasRunning;
      line(event.type === 'migration-finished' ? `${paint('green', '✓')} ${text}\n` : `${paint('yellow', text)}\n`);
      return true;
    }
    return false;
  };
}
