/** The fleet's pure parts: globs, shards, default concurrency, config targets, the matrix, parse-once. */
import { describe, expect, it } from 'vitest';
import { defaultConcurrency } from '../../src/fleet/api.js';
import { targetsProblem, toTargetSpecs } from '../../src/config/targets.js';
import { globToRegExp, matchSchemas, selectSchemas, splitSchemaList } from '../../src/config/schema-list.js';
import { sharedPreparer } from '../../src/fleet/prepare-cache.js';
import { inShard, parseShard } from '../../src/fleet/shard.js';
import { fleetMatrix, targetStatus } from '../../src/fleet/status.js';
import { resolveSettings } from '../../src/config/settings.js';
import { readScript } from '../../src/migrations/load.js';
import type { Migration } from '../../src/migrations/types.js';
import type { LedgerRow } from '../../src/plan/types.js';

function migration(version: string, sql: string, phase: 'pre' | 'post' = 'pre'): Migration {
  const script = readScript(`${version}_m.sql`, sql);
  if (Array.isArray(script)) throw script[0];
  return { ...script, phase, version, format: 'cutover', name: 'm' };
}
const row = (m: Migration, state: 'applied' | 'failed' = 'applied'): LedgerRow => ({
  version: m.version, name: m.name, phase: m.phase, checksum: m.checksum, state, appliedAt: null, durationMs: 1, appliedBy: 'x', failedStatement: null, error: null,
});

describe('schema lists (--schemas on every command)', () => {
  it('names and globs split at unescaped commas, trimmed; a backslash makes the next character itself', () => {
    expect(splitSchemaList('tenant_*, audit ,,a\\,b, c\\ ')).toEqual(['tenant_*', 'audit', 'a\\,b', 'c\\ ']);
    expect(selectSchemas(['public', 'tenant_1', 'pg_toast', 'a,b', 'x*y', 'xzy', 'c '], 'tenant_*,audit,a\\,b,x\\*y,c\\ ')).toEqual({ names: ['tenant_1', 'a,b', 'x*y', 'c '], missing: ['audit'] });
    expect(matchSchemas(['a\\b', 'ab'], 'a\\\\b')).toEqual(['a\\b']);
    expect(matchSchemas(['pg_catalog', 'information_schema'], 'pg_catalog,*')).toEqual([]);
  });
});

describe('globs', () => {
  it('match * and ? only; everything else is literal', () => {
    expect(matchSchemas(['tenant_1', 'tenant_22', 'tenantX', 'pg_temp_1', 'information_schema', 'a.b', 'axb'], 'tenant_*')).toEqual(['tenant_1', 'tenant_22']);
    expect(matchSchemas(['a.b', 'axb', 'a(b'], 'a.b')).toEqual(['a.b']);
    expect(matchSchemas(['t1', 't12'], 't?')).toEqual(['t1']);
    expect(globToRegExp('*').test('any "thing"\n')).toBe(true);
  });
});

describe('shards', () => {
  it('partition every target into exactly one of n, stably', () => {
    const targets = Array.from({ length: 1000 }, (_, i) => ({ database: 'postgres://db:5432/app', schema: `tenant_${i}` }));
    const shards = [1, 2, 3, 4].map((index) => inShard(targets, { index, count: 4 }));
    expect(shards.flat().map((t) => t.schema).sort()).toEqual(targets.map((t) => t.schema).sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(200); // roughly even
    // A new tenant moves no one else.
    const more = [...targets, { database: 'postgres://db:5432/app', schema: 'tenant_new' }];
    expect(inShard(more, { index: 2, count: 4 }).filter((t) => t.schema !== 'tenant_new')).toEqual(shards[1]);
  });
  it('parse i/n, 1-based', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/expected i\/n/);
  });
});

describe('default concurrency', () => {
  it('two per CPU, at most 16, at most half the free connections, at least 1', () => {
    expect(defaultConcurrency({ cpus: 2, maxConnections: 100, reserved: 3, inUse: 10 })).toBe(4);
    expect(defaultConcurrency({ cpus: 32, maxConnections: 500, reserved: 3, inUse: 10 })).toBe(16);
    expect(defaultConcurrency({ cpus: 8, maxConnections: 20, reserved: 3, inUse: 9 })).toBe(4);
    expect(defaultConcurrency({ cpus: 8, maxConnections: 10, reserved: 3, inUse: 7 })).toBe(1);
  });
});

describe('config targets', () => {
  it('turns a string into a glob and a list into names', () => {
    const settings = resolveSettings({
      flags: {}, env: {},
      file: { path: 'c.json', values: { targets: [{ url: 'postgres://u:secret@a/app', schemas: 'tenant_*' }, { url: 'postgres://b/app', schemas: ['x', 'y'], allSchemas: true }] } },
    });
    expect(settings.targets).toEqual([{ url: 'postgres://u:secret@a/app', pattern: 'tenant_*' }, { url: 'postgres://b/app', schemas: ['x', 'y'], allSchemas: true }]);
    expect(settings.origins.targets.shown).toBe('postgres://u@a:5432/app, postgres://b:5432/app');
  });
  it('names what is wrong, without the password', () => {
    expect(targetsProblem([{ url: 'postgres://a/app', schema: 'x' }])).toMatch(/unknown key "schema". Did you mean "schemas"/);
    expect(targetsProblem([{ url: 'postgres://a/app' }])).toMatch(/selects no schemas/);
    expect(targetsProblem({})).toBe('a non-empty array');
    expect(() => resolveSettings({ flags: {}, env: {}, file: { path: 'c.json', values: { targets: [{ url: 'mysql://u:secret@a/app', schemas: 'x' }] } } }))
      .toThrow(expect.objectContaining({ code: 'CONFIG', message: expect.not.stringContaining('secret') }));
    expect(toTargetSpecs([{ url: 'postgres://a/app', schemasQuery: 'SELECT 1' }])).toEqual([{ url: 'postgres://a/app', query: 'SELECT 1' }]);
  });
});

describe('the status matrix', () => {
  it('counts targets per version and what needs attention', () => {
    const [m1, m2, m3] = [migration('1', 'CREATE TABLE a ();\n'), migration('2', 'CREATE TABLE b ();\n'), migration('3', '-- cutover:phase post\nDROP TABLE a;\n', 'post')];
    const set = [m1!, m2!, m3!];
    const db = 'postgres://db:5432/app';
    const statuses = [
      targetStatus({ database: db, schema: 'a' }, set, [row(m1!), row(m2!), row(m3!)]),
      targetStatus({ database: db, schema: 'b' }, set, [row(m1!), row(m2!)]),
      targetStatus({ database: db, schema: 'c' }, set, [row(m1!), row(m2!, 'failed')]),
      targetStatus({ database: db, schema: 'd' }, set, undefined),
      targetStatus({ database: db, schema: 'e' }, set, [row(m1!), row(m2!), row(m3!), { ...row(m3!), version: '9' }]),
    ];
    const matrix = fleetMatrix(statuses, set);
    expect(matrix.versions).toEqual([{ version: null, count: 1 }, { version: '1', count: 1 }, { version: '2', count: 1 }, { version: '3', count: 2 }]);
    expect(matrix.counts).toEqual({ upToDate: 2, pendingPre: 1, pendingPost: 3, failed: 1, edited: 0, ahead: 1, noLedger: 1 });
  });
});

describe('parse once', () => {
  it('parses each file once for any number of targets, and reports bad files to each', async () => {
    const prepare = sharedPreparer();
    const good = migration('1', 'CREATE TABLE a (id int);\nCREATE INDEX ON a (id);\n');
    const first = await prepare([{ direction: 'up', migration: good }]);
    const second = await prepare([{ direction: 'up', migration: good }]);
    expect(second[0]).toBe(first[0]);
    expect(first[0]!.map((s) => s.kind)).toEqual(['CreateStmt', 'IndexStmt']);
    const bad = migration('2', 'CREATE TABLE (;\n');
    await expect(prepare([{ direction: 'up', migration: bad }])).rejects.toMatchObject({ code: 'SYNTAX_ERROR' });
    await expect(prepare([{ direction: 'up', migration: good }, { direction: 'up', migration: bad }])).rejects.toMatchObject({ code: 'SYNTAX_ERROR' });
  });
});
