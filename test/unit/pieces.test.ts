/**
 * Large texts parsed a piece at a time (issue 16.9): the outcome equals the
 * whole text's, an error keeps its place, a cut in the wrong place (inside a
 * BEGIN ATOMIC body) is mended, and the parser is never handed much more than
 * a piece — the bound on its memory.
 */
import { describe, expect, it } from 'vitest';
import { parseHere, type ParseOutcome } from '../../src/sql/parse-host.js';
import { parseInPieces } from '../../src/sql/pieces.js';
import { splitStatements } from '../../src/sql/statements.js';
import { statementCuts } from '../../src/migrations/formats/scan-statements.js';
import { seeded } from '../support/random.js';

const parts = [
  "INSERT INTO t VALUES (1, 'a;b');", 'CREATE TABLE x (id int); -- a; comment', "SELECT $$ ; $$, $tag$ x; $tag$;", '/* ; */ SELECT 2;',
  'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;', "SELECT 'é😀';", 'SELECT "a;b" FROM t;',
];
const light = (text: string) => parseHere(text, { tree: false });
const texts = (outcome: ParseOutcome, text: string) => {
  if ('error' in outcome) return outcome;
  const bytes = Buffer.from(text);
  return outcome.stmts.map((s) => [s.kind, bytes.subarray(s.stmt_location ?? 0, s.stmt_len ? (s.stmt_location ?? 0) + s.stmt_len : bytes.length).toString().trim()]);
};

describe('parseInPieces', () => {
  it('gives what parsing the whole text gives, for random texts cut into small pieces', async () => {
    const random = seeded(9);
    for (let round = 0; round < 60; round++) {
      const text = Array.from({ length: 5 + random.int(30) }, () => random.pick(parts)).join(random.pick(['\n', ' ', '\n\n']));
      const whole = await light(text);
      const pieces = await parseInPieces(text, light, 1 + random.int(120));
      expect(texts(pieces, text), text).toEqual(texts(whole, text));
    }
  });

  it('keeps a syntax error at its place in the whole text', async () => {
    const text = `${'SELECT 1;\n'.repeat(50)}SELEC 2;\n${'SELECT 3;\n'.repeat(50)}`;
    const whole = await light(text);
    const pieces = await parseInPieces(text, light, 64);
    expect('error' in pieces && pieces.error).toEqual('error' in whole && whole.error);
    const statements = splitStatements({ file: 'x.sql', sql: text });
    await expect(statements).rejects.toMatchObject({ code: 'SYNTAX_ERROR', details: { line: 51, column: 1 } });
  });

  it('hands the parser pieces bounded by the piece size plus one statement, never the whole text', async () => {
    const statement = "INSERT INTO t (a, b) VALUES (1, 'some text to pad the row');\n";
    const text = statement.repeat(20_000); // 1.2 MB
    const sizes: number[] = [];
    const outcome = await parseInPieces(text, (piece) => (sizes.push(piece.length), light(piece)), 64 * 1024);
    expect('stmts' in outcome && outcome.stmts.length).toBe(20_000);
    expect(sizes.length).toBeGreaterThan(15);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024 + statement.length);
  });

  it('a parser that gives out (its memory) is not mistaken for a syntax error to mend by joining pieces', async () => {
    const text = 'SELECT 1;\n'.repeat(40);
    const calls: string[] = [];
    const outcome = await parseInPieces(text, async (piece) => {
      calls.push(piece);
      return calls.length === 2 ? { error: { message: 'Program terminated with exit(1)', cursorPosition: 0, limit: true } } : light(piece);
    }, 100);
    expect(outcome).toEqual({ error: { message: 'Program terminated with exit(1)', cursorPosition: text.indexOf(calls[1]!, calls[0]!.length), limit: true } });
    expect(calls.length).toBe(2);
  });

  it('cuts only after a top-level semicolon', () => {
    expect(statementCuts("SELECT ';'; SELECT $$;$$; -- ;\nSELECT 3;", 1)).toEqual([11, 25]);
  });
});
