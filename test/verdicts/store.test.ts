/**
 * The verdict cache on its own (issue 19.1): a verdict is used only under
 * its exact key; a corrupt, truncated or foreign file is ignored and
 * rewritten; a directory that cannot be written is no error; and statements
 * from a verdict are what a fresh parse gives.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir, cacheDirFor } from '../../src/config/cache-dir.js';
import { resolveSettings } from '../../src/config/settings.js';
import { settingFlags } from '../../src/cli/setting-options.js';
import { openParser } from '../../src/sql/parse-host.js';
import { splitStatements } from '../../src/sql/statements.js';
import { directoryStore, embeddedStore, splitWithVerdicts } from '../../src/verdicts/index.js';
import { VERDICT_MAX_CHARS } from '../../src/verdicts/store.js';
import { verdictVersions, type Verdict } from '../../src/verdicts/verdict.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'cutover-verdicts-'));
const SQL = "-- é\nCREATE TABLE a (id int, name text DEFAULT 'ü');\n\nCREATE INDEX CONCURRENTLY a_name ON a (name);\nALTER TABLE a ADD COLUMN b int;\n";
const script = { file: '1_a.sql', sql: SQL };

/** The one file a store wrote in `dir`. */
function onlyFile(dir: string): string {
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return join(dir, files[0]!);
}

async function filled(dir: string, trees = true) {
  const store = directoryStore(dir);
  store.put(SQL, await splitStatements(script), trees);
  return store;
}

describe('a verdict', () => {
  it('gives back the statements of a fresh parse, with or without trees', async () => {
    const dir = scratch();
    const fresh = await splitStatements(script);
    const store = await filled(dir);
    expect(directoryStore(dir).get(SQL, true)).toEqual(fresh);
    const light = directoryStore(dir).get(SQL, false)!;
    expect(light.map(({ node: _n, ...rest }) => rest)).toEqual(fresh.map(({ node: _n, ...rest }) => rest));
    expect(light[1]!.needsNoTransaction).toBe('CREATE INDEX CONCURRENTLY');
    expect(store.has(SQL)).toBe(true);
    expect(store.has(`${SQL} `)).toBe(false);
  });

  it('without trees does not serve the linter, and never replaces one with trees', async () => {
    const dir = scratch();
    const store = await filled(dir, false);
    expect(store.get(SQL, false)).toBeDefined();
    expect(store.get(SQL, true)).toBeUndefined();
    store.put(SQL, await splitStatements(script), true);
    store.put(SQL, await splitStatements(script), false);
    expect(store.get(SQL, true)).toBeDefined();
  });

  it.each<[string, (v: Verdict) => unknown]>([
    ['another cutover version', (v) => ({ ...v, cutover: '0.0.1' })],
    ['another parser version', (v) => ({ ...v, parser: '17.0.0' })],
    ['another layout of the cache', (v) => ({ ...v, format: v.format + 1 })],
    ['another text', (v) => ({ ...v, sha: '0'.repeat(64) })],
    ['a statement of the wrong shape', (v) => ({ ...v, statements: [{ ...v.statements[0], line: 'one' }, ...v.statements.slice(1)] })],
    ['trees missing one statement', (v) => ({ ...v, trees: v.trees!.slice(1) })],
    ['not a verdict at all', () => ({ hello: 'world' })],
    ['an array', () => []],
  ])('is not used with %s, and the next parse rewrites it', async (_, change) => {
    const dir = scratch();
    await filled(dir);
    const path = onlyFile(dir);
    writeFileSync(path, JSON.stringify(change(JSON.parse(readFileSync(path, 'utf8')) as Verdict)));
    expect(directoryStore(dir).get(SQL, true)).toBeUndefined();
    const parsed = [];
    for await (const one of splitWithVerdicts([script], { tree: true, verdicts: directoryStore(dir) })) parsed.push(one);
    expect(parsed).toEqual([{ script, statements: await splitStatements(script) }]);
    expect(directoryStore(dir).get(SQL, true)).toEqual(await splitStatements(script)); // rewritten
  });

  it.each([
    ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['empty', () => ''],
    ['binary garbage', () => '\u0000\u0001\u00ff{['],
  ])('is not used when the file is %s, and is rewritten', async (_, damage) => {
    const dir = scratch();
    await filled(dir);
    const path = onlyFile(dir);
    writeFileSync(path, damage(readFileSync(path, 'utf8')));
    expect(directoryStore(dir).get(SQL, false)).toBeUndefined();
    for await (const one of splitWithVerdicts([script], { tree: false, verdicts: directoryStore(dir) })) expect('statements' in one).toBe(true);
    // Rewritten as this run parsed it (without trees): what a fresh store keeps of the same parse.
    const rewritten = directoryStore(dir).get(SQL, false);
    expect(rewritten).toBeDefined();
    expect(rewritten).toEqual((await filled(scratch(), false)).get(SQL, false));
  });

  it('without the trees a lint needs is parsed again with the other files, in one parser call, not alone', async () => {
    const dir = scratch();
    const scripts = [script, { file: '2_b.sql', sql: 'CREATE TABLE b (id int);\n' }, { file: '3_c.sql', sql: 'ALTER TABLE b ADD COLUMN c int;\n' }];
    for await (const one of splitWithVerdicts(scripts, { tree: false, verdicts: directoryStore(dir) })) expect('statements' in one).toBe(true);
    // A run without lint kept verdicts without trees; a lint asks for them.
    const open = openParser({ here: true });
    const requests: string[] = [];
    const parser = { request: (text: string, options: Parameters<typeof open.request>[1]) => (requests.push(text), open.request(text, options)), close: () => open.close() };
    const results = [];
    for await (const one of splitWithVerdicts(scripts, { tree: true, verdicts: directoryStore(dir), parser })) results.push(one);
    const fresh = [];
    for await (const one of splitWithVerdicts(scripts, { tree: true })) fresh.push(one);
    expect(results).toEqual(fresh);
    expect(requests).toHaveLength(1);
    for (const [i, s] of scripts.entries()) expect(directoryStore(dir).get(s.sql, true)).toEqual((fresh[i] as { statements: unknown }).statements); // rewritten with trees
  });

  it('under a key made of other versions is another file, never read for these', async () => {
    const dir = scratch();
    const old = directoryStore(dir, { versions: { ...verdictVersions(), cutover: '0.0.1' } });
    old.put(SQL, await splitStatements(script), true);
    expect(directoryStore(dir).has(SQL)).toBe(false);
    expect(directoryStore(dir).get(SQL, true)).toBeUndefined();
    expect(old.get(SQL, true)).toBeDefined();
  });
});

describe('the cache directory', () => {
  it('that cannot be written is no error: one note, nothing kept, the parse still answers', async () => {
    // Below a file, not a directory: refused to root too (a read-only mount acts the same).
    const parent = scratch();
    writeFileSync(join(parent, 'file'), '');
    const notes: string[] = [];
    const store = directoryStore(join(parent, 'file', 'cache'), { onNote: (note) => notes.push(note) });
    const results = [];
    for await (const one of splitWithVerdicts([script, { file: '2_b.sql', sql: 'SELECT 1;' }], { tree: false, verdicts: store })) results.push(one);
    expect(results.every((one) => 'statements' in one)).toBe(true);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/not written \(ENOTDIR\)/);
    expect(store.get(SQL, false)).toBeUndefined();
  });

  it('keeps no verdict of a very large text (parsed each run instead)', async () => {
    const dir = scratch();
    const big = `${'SELECT 1;\n'.repeat(Math.ceil(VERDICT_MAX_CHARS / 10) + 1)}`;
    const store = directoryStore(dir);
    store.put(big, await splitStatements({ file: 'big.sql', sql: big }), false);
    expect(readdirSync(dir)).toEqual([]);
    expect(store.has(big)).toBe(false);
  });

  it('is written atomically: no temporary file is left', async () => {
    const dir = scratch();
    await filled(dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('defaults to node_modules/.cache/cutover of the nearest package, else the user cache', () => {
    const project = scratch();
    writeFileSync(join(project, 'package.json'), '{}');
    expect(defaultCacheDir({ from: join(project, 'db', 'migrations') })).toBe(join(project, 'node_modules', '.cache', 'cutover'));
    const loose = scratch();
    expect(defaultCacheDir({ from: loose, env: { XDG_CACHE_HOME: '/x' }, platform: 'linux', home: '/h' })).toBe('/x/cutover');
    expect(defaultCacheDir({ from: loose, env: {}, platform: 'linux', home: '/h' })).toBe('/h/.cache/cutover');
    expect(defaultCacheDir({ from: loose, env: {}, platform: 'darwin', home: '/h' })).toBe('/h/Library/Caches/cutover');
    expect(cacheDirFor({}, { from: loose, env: { CUTOVER_CACHE_DIR: '/c' } })).toBe('/c');
    expect(cacheDirFor({ cacheDir: '/d' }, { from: loose, env: { CUTOVER_CACHE_DIR: '/c' } })).toBe('/d');
    expect(cacheDirFor({}, { from: loose, env: { CUTOVER_CACHE: 'false' } })).toBeUndefined();
    expect(cacheDirFor({ cache: false }, { from: loose, env: {} })).toBeUndefined();
  });
});

describe('embedded verdicts (a bundle)', () => {
  it('are used before the cache, and not when made by other versions', async () => {
    const dir = scratch();
    const fresh = await splitStatements(script);
    const made: Verdict = { ...verdictVersions(), sha: '', statements: [] };
    const source = await filled(scratch());
    const verdict = JSON.stringify(source.verdict(SQL));
    expect(embeddedStore([verdict], directoryStore(dir)).get(SQL, true)).toEqual(fresh);
    const foreign = JSON.stringify({ ...JSON.parse(verdict), parser: '1.0.0' });
    expect(embeddedStore([foreign], directoryStore(dir)).get(SQL, true)).toBeUndefined();
    expect(embeddedStore(['{"truncated', JSON.stringify(made)], directoryStore(dir)).get(SQL, false)).toBeUndefined();
  });
});

describe('the settings', () => {
  it('--no-cache says false; without it (commander implies true) the environment decides', () => {
    const resolve = (flags: Record<string, unknown>, env: Record<string, string>) => resolveSettings({ flags: settingFlags(flags), env });
    expect(resolve({ cache: true }, { CUTOVER_CACHE: 'false' }).cache).toBe(false);
    expect(resolve({ cache: true }, {}).origins.cache.origin).toBe('default');
    expect(resolve({ cache: false }, { CUTOVER_CACHE: 'true' }).cache).toBe(false);
    expect(resolve({ cacheDir: 'c' }, { CUTOVER_CACHE_DIR: '/x' }).cacheDir).toBe('c');
  });
});
