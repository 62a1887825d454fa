/**
 * The live progress line of fleets, backups, restores and copies (issue 17.6): what it shows,
 * at most ten redraws a second however many events arrive, cut to the terminal's width, and
 * nothing at all off a terminal, under --json or --quiet.
 */
import { describe, expect, it } from 'vitest';
import { fitTo, liveProgress, renderProgressLine, REDRAW_MS } from '../../src/cli/progress.js';
import type { CliIo } from '../../src/cli/io.js';

function fakeIo(isTTY: boolean, columns?: number) {
  let now = 1_000_000;
  let stderr = '';
  const io: CliIo = {
    stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) }, env: { NO_COLOR: '1' }, cwd: '/', isTTY, columns,
    now: () => new Date(now), waitForInterrupt: () => Promise.resolve(),
  };
  return { io, advance: (ms: number) => (now += ms), output: () => stderr, at: () => now };
}

describe('the progress line', () => {
  it('shows a bar, done/total, failures, elapsed and an ETA, then the extra parts', () => {
    expect(renderProgressLine({ label: 'backup', done: 3, total: 10, failed: 0, startedAt: 0, parts: ['schema "tenant_4"'] }, 6000))
      .toBe('backup [██████··············] 3/10 · 0 failed · 6s · ETA 14s · schema "tenant_4"');
    expect(renderProgressLine({ label: 'fleet', done: 10, total: 10, failed: 2, startedAt: 0 }, 1500)).toBe('fleet [████████████████████] 10/10 · 2 failed · 1.5s');
    expect(renderProgressLine({ label: 'copy', done: 0, total: 5, failed: 0, startedAt: 0 }, 0)).toBe('copy [····················] 0/5 · 0 failed · 0ms');
  });

  it('redraws at most every 100 ms however many events arrive', () => {
    const { io, advance, output, at } = fakeIo(true);
    let done = 0;
    const start = at();
    const line = liveProgress(io, {}, () => ({ label: 'fleet', done, total: 1000, failed: 0, startedAt: start }));
    for (let i = 0; i < 1000; i++) {
      done++;
      line.draw();
      advance(1); // a thousand events in one second
    }
    line.stop();
    const redraws = output().split('\r\x1b[2K').filter((s) => s.includes('fleet ['));
    expect(redraws.length).toBeLessThanOrEqual(1000 / REDRAW_MS + 1);
    expect(redraws.length).toBeGreaterThanOrEqual(1000 / REDRAW_MS);
    expect(output().endsWith('\r\x1b[2K')).toBe(true); // cleared at the end
  });

  it('a line printed meanwhile goes above it; the line is cut to the terminal', () => {
    const { io, output } = fakeIo(true, 30);
    const line = liveProgress(io, {}, () => ({ label: 'backup', done: 1, total: 4, failed: 0, startedAt: 0, parts: ['schema "a very long name indeed"'] }));
    line.draw();
    line.say('note');
    line.stop();
    const drawn = output().split('\r\x1b[2K').filter(Boolean);
    expect(drawn).toEqual([expect.stringMatching(/^backup \[/), 'note\n', expect.stringMatching(/^backup \[/)]);
    for (const text of drawn) expect([...text.trimEnd()].length).toBeLessThanOrEqual(29);
    expect(fitTo('\x1b[32mabcdef\x1b[39m', 4)).toBe('\x1b[32mabc\x1b[39m');
  });

  it('off a terminal, with --json or --quiet: nothing drawn', () => {
    for (const [tty, flags] of [[false, {}], [true, { json: true }], [true, { quiet: true }]] as const) {
      const { io, output } = fakeIo(tty);
      const line = liveProgress(io, flags, () => ({ label: 'backup', done: 1, total: 2, failed: 0, startedAt: 0 }));
      line.draw();
      line.stop();
      expect(line.live).toBe(false);
      expect(output()).toBe('');
    }
  });
});
