/**
 * The statement-facts table, proven on the running server (issue 3, item 2).
 * For every fixture: a schema with populated tables; the statement runs in
 * session A (inside an open transaction, or — for statements that cannot
 * run in one — while a third session holds a lock it must wait for); session
 * B reads A's locks from pg_locks; relfilenodes before and after show
 * rewrites; A's own pg_stat_xact_user_tables shows full scans. A claim the
 * server contradicts fails. ACCESS SHARE locks are not compared: reads of
 * other relations (a view's sources) take them and they block only ACCESS
 * EXCLUSIVE.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { loadParser } from '../../src/sql/parser.js';
import { loadCatalog } from '../../src/lint/live-catalog.js';
import { ACTION_IDS, ACTIONS, fromPgLocks, statementFacts, strongest, type LockMode } from '../../src/lint/facts/index.js';
import type { ActionFacts } from '../../src/lint/facts/actions.js';
import { BASE_SETUP, FACTS_FIXTURES, type FactsFixture } from './facts-fixtures.js';

const major = inject('serverMajor');
let db: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  db = await freshDatabase();
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

async function session(schema: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

const RELATIONS = `SELECT c.oid::int AS oid, c.relname AS name, c.relkind AS kind, pg_relation_filenode(c.oid) AS filenode FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm', 'v', 'S', 'f')`;
const LOCKS = `SELECT relation::int AS oid, mode, granted FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

interface Observed {
  locks: Record<string, LockMode>;
  rewrites: string[];
  scans: string[];
}

async function observe(fixture: FactsFixture, schema: string, names: Map<number, string>, before: Map<number, string | null>): Promise<Observed> {
  const a = await session(schema);
  const b = await session(schema);
  const c = fixture.blocker ? await session(schema) : undefined;
  const locks: Record<string, LockMode> = {};
  const collect = async (pid: number) => {
    for (const row of (await b.query<{ oid: number; mode: string }>(LOCKS, [pid])).rows) {
      const name = names.get(row.oid);
      if (!name) continue;
      const mode = fromPgLocks(row.mode);
      if (mode !== 'AccessShare') locks[name] = locks[name] ? strongest(locks[name]!, mode) : mode;
    }
  };
  try {
    const pid = (await a.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    let scans: string[] = [];
    let after: { oid: number; filenode: string | null }[];
    if (fixture.refused) {
      // Refused in a transaction block before it does anything: nothing to observe but the refusal.
      await a.query('BEGIN');
      const error = await a.query(fixture.sql).then(() => undefined, (e: { code?: string }) => e);
      await a.query('ROLLBACK');
      expect(error, `${fixture.sql} must be refused inside a transaction block`).toMatchObject({ code: '25001' });
      after = (await admin.query(RELATIONS, [schema])).rows;
    } else if (c) {
      await c.query('BEGIN');
      await c.query(fixture.blocker!);
      const running = a.query(fixture.sql);
      running.catch(() => {});
      // Wait until A waits (for a lock or for C's transaction), then read what it holds and wants.
      for (let i = 0; i < 200; i++) {
        const { rows } = await b.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]);
        if (rows.length) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await collect(pid);
      await c.query('ROLLBACK');
      await running;
      after = (await admin.query(RELATIONS, [schema])).rows;
    } else {
      await a.query('BEGIN');
      await a.query(fixture.sql);
      await collect(pid);
      after = (await a.query(RELATIONS, [schema])).rows;
      scans = (await a.query<{ name: string }>(`SELECT relname AS name FROM pg_stat_xact_user_tables WHERE schemaname = $1 AND seq_scan > 0`, [schema])).rows.map((r) => r.name);
      await a.query('ROLLBACK');
    }
    const rewrites = after.filter((r) => before.has(r.oid) && r.filenode !== null && before.get(r.oid) !== r.filenode).map((r) => names.get(r.oid)!);
    return { locks, rewrites: rewrites.sort(), scans: scans.filter((s) => [...names.values()].includes(s)).sort() };
  } finally {
    await Promise.all([a.end(), b.end(), c?.end()]);
  }
}

describe(`statement facts, verified on PostgreSQL ${major}`, () => {
  it('every fact in the table has a server fixture (or is marked assumed)', () => {
    const covered = new Set(FACTS_FIXTURES.map((f) => f.action));
    const missing = ACTION_IDS.filter((id) => !(ACTIONS[id] as ActionFacts).assumed && !covered.has(id));
    expect(missing).toEqual([]);
  });

  it.each(FACTS_FIXTURES.map((f, i) => [`${f.action}: ${f.sql}`, f, i] as const))('%s', async (_name, raw, i) => {
    if (raw.since && major < raw.since) return;
    // {i}: names unique to the fixture (databases, roles, publications are not in a schema); {database}: the test database.
    const fill = (text: string | undefined) => text?.replaceAll('{i}', String(i)).replaceAll('{database}', `"${db.name}"`);
    const fixture = { ...raw, sql: fill(raw.sql)!, ...(raw.setup ? { setup: fill(raw.setup) } : {}) };
    const schema = `facts_${i}`;
    await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    await admin.query(`${BASE_SETUP}\n${fixture.setup ?? ''}`);
    await admin.query('SET search_path = public');
    const catalog = await loadCatalog(admin, schema);
    const parse = await loadParser();
    // Every statement's facts (a fixture may need a few in one transaction), merged: the strongest lock per relation.
    const all = parse(fixture.sql).stmts!.map(({ stmt }) => {
      const kind = Object.keys(stmt as object)[0]!;
      return statementFacts(kind, (stmt as Record<string, any>)[kind], catalog, major);
    });
    const facts = {
      actions: all.flatMap((f) => f.actions), rewrites: [...new Set(all.flatMap((f) => f.rewrites))], scans: all.flatMap((f) => f.scans),
      noTransaction: all.some((f) => f.noTransaction),
      locks: Object.values(Object.fromEntries(all.flatMap((f) => f.locks).sort((x, y) => (strongest(x.mode, y.mode) === x.mode ? 1 : -1)).map((l) => [l.relation, l]))),
    };
    expect(facts.actions.map((a) => a.id)).toContain(fixture.action);
    expect(facts.actions.map((a) => a.id)).not.toContain('unclassified');

    const rows = (await admin.query<{ oid: number; name: string; kind: string; filenode: string | null }>(RELATIONS, [schema])).rows;
    const names = new Map(rows.map((r) => [r.oid, r.name]));
    const before = new Map(rows.map((r) => [r.oid, r.filenode]));
    const observed = await observe(fixture, schema, names, before);

    const claimedLocks = Object.fromEntries(facts.locks.filter((l) => l.mode !== 'AccessShare').map((l) => [l.relation, l.mode]));
    // A rewrite reads the table; a sequence's (ALTER SEQUENCE) is one page that no statistics view counts.
    const sequences = new Set(rows.filter((r) => r.kind === 'S').map((r) => r.name));
    const claimedScans = new Set([...facts.scans.map((s) => s.relation), ...facts.rewrites.filter((r) => !sequences.has(r)), ...(fixture.sources ?? [])]);
    expect({
      locks: observed.locks,
      rewrites: observed.rewrites,
      noTransaction: fixture.blocker !== undefined || fixture.refused === true,
      ...(fixture.blocker || fixture.refused ? {} : { scans: observed.scans }),
    }).toEqual({
      locks: claimedLocks,
      rewrites: [...facts.rewrites].sort(),
      noTransaction: facts.noTransaction,
      ...(fixture.blocker || fixture.refused ? {} : { scans: [...claimedScans].sort() }),
    });
  });
});
