/**
 * Health in the app's own words: `upgrade` reads the version where the app's
 * existing health endpoint puts it (appVersion, version, app.version, or a
 * JSON path given with --version-field).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseVersionField, versionFromHealth } from '../../src/deploy/health-version.js';
import { cli, migrationsDir } from '../support/cli.js';
import { query, testSchema } from '../support/db.js';
import { cleanup, database } from '../support/fixtures.js';

describe('versionFromHealth', () => {
  it.each([
    [{ appVersion: '2.0.0', version: 'x' }, undefined, '2.0.0'],
    [{ status: 'ok', version: '0.9.1' }, undefined, '0.9.1'],
    [{ app: { name: 'forum', version: '3.1' } }, undefined, '3.1'],
    [{ version: 7 }, undefined, '7'],
    [{ version: { major: 1 } }, undefined, undefined],
    ['1.0.0', undefined, undefined],
    [{ build: { tag: 'v7' }, version: 'x' }, 'build.tag', 'v7'],
    [{ build: { tag: 'v7' } }, '$.build.tag', 'v7'],
    [{ releases: [{ tag: 'r1' }, { tag: 'r2' }] }, 'releases[1].tag', 'r2'],
    [{ 'dotted.key': { v: '9' } }, '["dotted.key"].v', '9'],
    [{ appVersion: '2.0.0' }, 'version', undefined],
  ])('%j at %s is %s', (body, field, expected) => {
    expect(versionFromHealth(body, field)).toBe(expected);
  });

  it.each(['', '$', 'a..b', 'a[x]', 'a[0'])('%j is not a JSON path: USAGE', (field) => {
    expect(() => parseVersionField(field)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

async function healthServer(body: unknown): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
}

describe('cutover upgrade reads the version in the app\'s own words', () => {
  const files = { '1_users.sql': 'CREATE TABLE users (id int);\n', '2_drop.sql': '-- cutover:phase post\nDROP TABLE users;\n' };
  const upgrade = async (url: string, healthUrl: string, ...args: string[]) => {
    const result = await cli(['upgrade', '--url', url, '--schema', testSchema(), '--dir', await migrationsDir(files), '--no-lint', '--deploy', 'true', '--health-url', healthUrl, '--timeout', '1s', '--json', ...args], { env: { PATH: process.env.PATH ?? '' } });
    return { ...result, json: JSON.parse(result.stdout) };
  };

  it.each([
    ['a Rust service', { version: '0.9.1' }, [] as string[]],
    ['a Rack app', { status: 'ok', app: { version: '0.9.1' } }, []],
    ['a field named with --version-field', { build: { tag: '0.9.1' }, version: 'ignored' }, ['--version-field', 'build.tag']],
  ])('%s', async (_name, body, args) => {
    const url = await database();
    const result = await upgrade(url, await healthServer(body), '--app-version', '0.9.1', ...args);
    expect(result.code, result.stdout).toBe(0);
    expect(result.json.steps.find((s: { name: string }) => s.name === 'wait').state).toBe('done');
  });

  it('a body with no version where it looks says so, and post migrations do not run', async () => {
    const url = await database();
    const result = await upgrade(url, await healthServer({ status: 'ok' }), '--app-version', '0.9.1');
    expect(result.code).toBe(1);
    expect(result.json.error.message).toContain('shows no version at appVersion, version, app.version');
  });

  it('a bad --version-field is bad input: exit 2, nothing migrated', async () => {
    const url = await database();
    const result = await upgrade(url, 'http://127.0.0.1:9/health', '--app-version', '0.9.1', '--version-field', 'a..b');
    expect(result.code).toBe(2);
    expect(result.json.error).toMatchObject({ code: 'USAGE', setting: '--version-field' });
    expect(await query(url, "SELECT 1 FROM pg_class WHERE relname = 'cutover_migrations'")).toEqual([]);
  });
});
