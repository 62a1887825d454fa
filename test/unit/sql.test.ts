import { describe, expect, it } from 'vitest';
import { checkScript, splitStatements, type Statement } from '../../src/sql/statements.js';
import { byteToChar, codeFrame, lineColumn } from '../../src/sql/location.js';
import type { MigrationScript } from '../../src/migrations/types.js';
import { CutoverError } from '../../src/errors.js';

function script(sql: string, transaction = true): MigrationScript {
  return { file: 'm.sql', sql, checksum: '', phase: 'pre', transaction, lintIgnore: [] };
}

describe('splitStatements', () => {
  it('splits with positions, skipping comments, across dollar quotes and multibyte text', async () => {
    const sql = "-- header\nCREATE TABLE é (id int);\n\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n  INSERT INTO é VALUES (1)";
    const statements = await splitStatements(script(sql));
    expect(statements.map((s) => [s.kind, s.line, s.column])).toEqual([['CreateStmt', 2, 1], ['CreateFunctionStmt', 4, 1], ['InsertStmt', 5, 3]]);
    expect(statements[1]!.text).toBe('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql');
    expect(sql.slice(statements[2]!.start, statements[2]!.end)).toBe('INSERT INTO é VALUES (1)');
  });

  it('reports a syntax error at file:line:column with the line and a caret', async () => {
    const error = await splitStatements(script('SELECT 1;\nCREATE TABLE (x int);')).catch((e: unknown) => e as CutoverError);
    expect(error).toMatchObject({ code: 'SYNTAX_ERROR', details: { file: 'm.sql', line: 2, column: 14 } });
    expect((error as Error).message).toContain('m.sql:2:14\n  2 | CREATE TABLE (x int);\n    |              ^');
  });
});

describe('checkScript', () => {
  it('refuses transaction control in a transactional file, allows it without a transaction', async () => {
    const sql = 'BEGIN;\nCREATE TABLE t ();\nCOMMIT;';
    expect((await checkScript(script(sql))).problems.map((p) => [p.code, p.details.line])).toEqual([['TRANSACTION_CONTROL', 1], ['TRANSACTION_CONTROL', 3]]);
    expect((await checkScript(script(sql, false))).problems).toEqual([]);
  });

  it('knows what cannot run inside a transaction block', async () => {
    const sql = [
      'CREATE INDEX CONCURRENTLY i ON t (c)', 'DROP INDEX CONCURRENTLY i', 'REINDEX INDEX CONCURRENTLY i', 'VACUUM t',
      'ALTER TABLE p DETACH PARTITION c CONCURRENTLY', 'CREATE INDEX i2 ON t (c)', 'ANALYZE t',
    ].join(';\n');
    const { statements, problems } = await checkScript(script(sql));
    expect(statements.map((s) => s.needsNoTransaction)).toEqual([
      'CREATE INDEX CONCURRENTLY', 'DROP INDEX CONCURRENTLY', 'REINDEX CONCURRENTLY', 'VACUUM', 'DETACH PARTITION CONCURRENTLY', undefined, undefined,
    ]);
    expect(problems.map((p) => [p.code, p.details.line])).toEqual([1, 2, 3, 4, 5].map((line) => ['NEEDS_NO_TRANSACTION', line]));
  });

  it('a file of comments only is empty', async () => {
    expect((await checkScript(script('-- nothing here\n/* nor here */\n'))).problems.map((p) => p.code)).toEqual(['EMPTY_FILE']);
  });
});

describe('locations', () => {
  it('maps offsets to lines and byte offsets to characters', () => {
    expect(lineColumn('a\nbc', 3)).toEqual({ line: 2, column: 2 });
    expect(byteToChar('é;x')(3)).toBe(2);
    expect(codeFrame('x.sql', 'SELEC 1;', 0)).toBe('x.sql:1:1\n  1 | SELEC 1;\n    | ^');
  });
});

describe('splitMany', () => {
  it('parses many files in one call and maps each statement back to its file', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const [a, b] = await splitMany([script('CREATE TABLE a ();\nCREATE TABLE b ()'), { ...script('-- x\nDROP TABLE a;'), file: 'n.sql' }]);
    expect(a!.map((s) => [s.kind, s.line])).toEqual([['CreateStmt', 1], ['CreateStmt', 2]]);
    expect(b!.map((s) => [s.kind, s.line, s.text])).toEqual([['DropStmt', 2, 'DROP TABLE a']]);
  });

  it('never lets a statement run across files: an unterminated $$ is a syntax error in its own file', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const open = { ...script('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;'), file: 'open.sql' };
    const close = { ...script('$$ LANGUAGE sql;'), file: 'close.sql' };
    await expect(splitMany([open, close])).rejects.toMatchObject({ code: 'SYNTAX_ERROR', details: { file: 'open.sql' } });
  });

  // The parser runs in a child process (src/sql/parse-host.ts), which without `tree` finds the
  // statements in libpg-query's JSON text without decoding it: text that looks like its keys must
  // not confuse it, and it must agree with the full parse and with a parse in this process.
  const tricky = [
    script(`SELECT '{"stmt":{"X":1}}' AS a, '"stmt_len":5' AS "b""stmt_location"":1";\nCREATE INDEX CONCURRENTLY i ON t (x)`, false),
    { ...script('DO $$ BEGIN RAISE NOTICE \'{"stmt":{"A":\'; END $$;\nALTER TABLE t DETACH PARTITION p CONCURRENTLY;\nVACUUM t'), file: 'b.sql' },
    { ...script('-- é only a comment, then\nDROP INDEX CONCURRENTLY IF EXISTS i; REINDEX (CONCURRENTLY) TABLE t; ALTER TABLE t ADD COLUMN c int'), file: 'c.sql' },
  ];
  const facts = (files: Statement[][]) => files.map((f) => f.map((s) => [s.kind, s.start, s.end, s.line, s.column, s.text, s.needsNoTransaction ?? null]));

  it('gives the same statements with and without parse trees, and keeps the nodes needsNoTransaction reads', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const full = await splitMany(tricky);
    const light = await splitMany(tricky, { tree: false });
    expect(facts(light)).toEqual(facts(full));
    expect(light.flat().map((s) => s.needsNoTransaction ?? null)).toEqual([
      null, 'CREATE INDEX CONCURRENTLY', null, 'DETACH PARTITION CONCURRENTLY', 'VACUUM', 'DROP INDEX CONCURRENTLY', 'REINDEX CONCURRENTLY', null,
    ]);
    expect(light[0]![0]!.node).toEqual({}); // no tree for a kind needsNoTransaction does not look into
    expect(light[2]![2]!.node).toEqual(full[2]![2]!.node); // an ALTER TABLE's node, it does
  });

  it('parses in this process, alike, where no child can be started', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const full = await splitMany(tricky);
    process.env.CUTOVER_PARSER_CHILD = '1'; // as inside the child: never start another
    try {
      expect(facts(await splitMany(tricky, { tree: false }))).toEqual(facts(full));
      expect((await splitMany(tricky)).map((f) => f.map((s) => s.node))).toEqual(full.map((f) => f.map((s) => s.node)));
    } finally {
      delete process.env.CUTOVER_PARSER_CHILD;
    }
  });

  it('parses in this process, alike, when the child dies before it answers', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const full = await splitMany(tricky);
    const node = process.execPath;
    process.execPath = '/bin/false'; // starts, and exits at once
    try {
      expect(facts(await splitMany(tricky, { tree: false }))).toEqual(facts(full));
    } finally {
      process.execPath = node;
    }
  });

  it('goes through one open parser for several batches', async () => {
    const { splitMany } = await import('../../src/sql/split-many.js');
    const { openParser } = await import('../../src/sql/parse-host.js');
    const parser = openParser();
    try {
      const [first, second] = await Promise.all([splitMany(tricky.slice(0, 1), { parser }), splitMany(tricky.slice(1), { parser, tree: false })]);
      expect(facts([...first, ...second])).toEqual(facts(await splitMany(tricky)));
    } finally {
      parser.close();
    }
  });
});
