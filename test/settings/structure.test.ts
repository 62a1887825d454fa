/**
 * The shape issue 17 asks for, checked: each default lives only in the settings table
 * (src/config/settings.ts), and nothing inside src/ imports the library's old front door
 * src/api.ts (resolution lives in src/target, the calls in src/library).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIBRARY_DEFAULTS, SETTINGS } from '../../src/config/settings.js';

const SRC = join(import.meta.dirname, '../../src');

function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** Code lines only: TSDoc and line comments hold examples (`schema: 'public'`) on purpose. */
function codeLines(file: string): { line: number; text: string }[] {
  return readFileSync(file, 'utf8').split('\n').map((text, i) => ({ line: i + 1, text }))
    .filter(({ text }) => !/^\s*(\*|\/\*\*|\/\/)/.test(text));
}

describe('one place per default', () => {
  it('no literal default of a setting outside the table (`?? \'public\'`, `schema = \'public\'`, `?? 10_000`)', () => {
    const found: string[] = [];
    // The table's settings, and the library's own options (`retryDelayMs ?? 50`).
    const defaults: [string, unknown][] = [
      ...Object.entries(SETTINGS).map(([key, setting]): [string, unknown] => [key, 'default' in setting ? setting.default : undefined]),
      ...Object.entries(LIBRARY_DEFAULTS).map(([key, value]): [string, unknown] => [key.replace(/Ms$/, ''), value]),
    ];
    for (const [key, value] of defaults) {
      if (value === undefined || typeof value === 'boolean') continue;
      const literal = typeof value === 'string' ? `'${value}'` : `(?:${String(value)}|${String(value).replace(/\B(?=(\d{3})+$)/g, '_')})`;
      // The setting itself defaulted (`schema ?? 'public'`, `schema = 'public'`, `smallTableRows ?? 10_000`), not another 10_000.
      const name = key.replace(/^lint/, '').replace(/^./, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
      const pattern = new RegExp(`${name}\\w*\\s*(\\?\\?|=)\\s*${literal}(?![\\w'])`);
      for (const file of sources()) {
        if (file.endsWith(join('config', 'settings.ts'))) continue;
        for (const { line, text } of codeLines(file)) if (pattern.test(text)) found.push(`${relative(SRC, file)}:${line} (${key}): ${text.trim()}`);
      }
    }
    // No exceptions: the db layer takes the ledger kind resolved by src/target (targetLedger).
    expect(found).toEqual([]);
  });
});

describe('the import graph', () => {
  it('nothing inside src/ imports src/api.ts', () => {
    const importers = sources().filter((file) => [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\(\s*)'(\.[^']+)'/g)]
      .some((m) => join(file, '..', m[1]!.replace(/\.js$/, '.ts')) === join(SRC, 'api.ts')));
    expect(importers.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no arrow points up: no concept imports a front door (src/library, src/cli, src/index.ts, src/api.ts)', () => {
    const front = (path: string) => /^(library|cli)\//.test(path) || path === 'index.ts' || path === 'api.ts';
    const arrows = sources().map((file) => relative(SRC, file)).filter((from) => !front(from)).flatMap((from) =>
      [...readFileSync(join(SRC, from), 'utf8').matchAll(/(?:from\s+|import\(\s*)'(\.[^']+)'/g)]
        .map((m) => relative(SRC, join(SRC, from, '..', m[1]!.replace(/\.js$/, '.ts'))))
        .filter(front).map((to) => `${from} -> ${to}`));
    expect(arrows).toEqual([]);
  });
});
