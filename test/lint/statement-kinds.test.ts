/**
 * Lint coverage by construction (issue 15, item 3): every statement node
 * type in libpg-query's own type definitions is classified, every kind that
 * can be a statement has a sample — a server fixture (facts-server.test.ts)
 * or, where the test server cannot run it, an offline sample with the
 * reason — and no sample comes out `unclassified`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaModel } from '../../src/lint/catalog.js';
import { classify, track } from '../../src/lint/facts/index.js';
import { STATEMENT_KINDS } from '../../src/lint/facts/statement-kinds.js';
import { lintScripts } from '../../src/lint/index.js';
import { loadParser } from '../../src/sql/parser.js';
import { BASE_SETUP, FACTS_FIXTURES, OFFLINE_SAMPLES } from './facts-fixtures.js';

/** The `…Stmt` members of the `Node` union in the @pgsql/types that libpg-query itself resolves. */
async function parserStatementKinds(): Promise<string[]> {
  const fromParser = createRequire(createRequire(import.meta.url).resolve('libpg-query'));
  const types = await readFile(join(dirname(fromParser.resolve('@pgsql/types/package.json')), 'types.d.ts'), 'utf8');
  const union = /export type Node =([\s\S]*?);\n(?:export|\/)/.exec(types)![1]!;
  return [...union.matchAll(/\{\s*(\w+):/g)].map((m) => m[1]!).filter((name) => name.endsWith('Stmt'));
}

// The server fixtures' actions are checked against the live catalog there; offline, their kinds and that none is unclassified.
const samples = [...FACTS_FIXTURES.map((f) => ({ sql: f.sql, setup: f.setup ?? '', action: undefined })), ...OFFLINE_SAMPLES.map((s) => ({ ...s, setup: '' }))];

describe('every statement kind the parser knows is classified', () => {
  it('STATEMENT_KINDS has exactly the parser\'s statement node types', async () => {
    const kinds = await parserStatementKinds();
    expect(kinds.length).toBeGreaterThan(100);
    expect(Object.keys(STATEMENT_KINDS).sort()).toEqual([...kinds].sort());
  });

  it('every kind that can be a statement has a sample, classified as the sample says, never `unclassified`', async () => {
    const parse = await loadParser();
    const seen = new Set<string>();
    const fill = (text: string) => text.replaceAll('{i}', '0').replaceAll('{database}', 'db');
    for (const sample of samples) {
      // The fixture's tables as its setup leaves them (offline: the statements tracked, as lint does).
      const catalog = new SchemaModel();
      for (const { stmt } of parse(fill(`${BASE_SETUP}\n${sample.setup}`)).stmts!) {
        const kind = Object.keys(stmt as object)[0]!;
        track(catalog, kind, (stmt as Record<string, any>)[kind]);
      }
      const sql = fill(sample.sql);
      const ids: string[] = [];
      for (const { stmt } of parse(sql).stmts!) {
        const kind = Object.keys(stmt as object)[0]!;
        seen.add(kind);
        const actions = classify(kind, (stmt as Record<string, any>)[kind], catalog).map((a) => a.id);
        expect(actions, `${kind} in ${sql}`).not.toContain('unclassified');
        ids.push(...actions);
      }
      if (sample.action) expect(ids, sql).toContain(sample.action);
    }
    const statements = Object.entries(STATEMENT_KINDS).filter(([, c]) => c !== 'not-a-statement').map(([k]) => k);
    expect(statements.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('a kind unknown at run time is an explicit info finding (unknown-locks), not silence', async () => {
    expect(classify('FutureStmt', {}, new SchemaModel())).toEqual([{ id: 'unclassified', unsure: 'the linter does not know what FutureStmt locks' }]);
    const report = await lintScripts([{ file: '1_x.sql', sql: 'CALL refresh_everything();\n', phase: 'pre', transaction: true, lintIgnore: [] }]);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['unknown-locks', 'info']]);
    expect(report.findings[0]!.message).toContain('CALL runs a procedure');
  });

  it('statements the facts table knows are refused in a transaction block are reported in a transactional migration', async () => {
    const report = await lintScripts([{ file: '1_x.sql', sql: 'REINDEX SCHEMA app;\nDISCARD ALL;\n', phase: 'pre', transaction: true, lintIgnore: [] }]);
    expect(report.findings.map((f) => [f.rule, f.line])).toEqual([['concurrently-in-transaction', 1], ['require-concurrent-reindex', 1], ['concurrently-in-transaction', 2]]);
    expect(report.findings[0]!.message).toBe('REINDEX SCHEMA cannot run inside a transaction block, and this migration runs in one');
    expect(report.findings[1]!.fix).toBe('REINDEX SCHEMA CONCURRENTLY app');
  });
});
