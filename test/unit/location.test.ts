/**
 * Linear-time positions and redaction (issue 16.8): the answers match the
 * simple definitions on random texts, and the work done (characters stepped
 * over, counted by the algorithms themselves) stays within a constant times
 * the text's size, on the inputs that made the old code quadratic.
 */
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/db/url.js';
import { codeFrame, lineColumn, locator } from '../../src/sql/location.js';
import { seeded } from '../support/random.js';

/** The definitions, as main had them. */
const naive = {
  lineColumn(text: string, offset: number) {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  },
  toChar: (text: string, byteOffset: number) => Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length,
  redact: (text: string) => text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):\S*@/gi, '$1:***@')
    .replace(/(^|[\s"(])([^:/@\s"'(]+):[^\s"'/@]*@/g, '$1$2:***@'),
};

describe('locator', () => {
  it('gives the line, column and character offset of the simple definitions', () => {
    const random = seeded(8);
    for (let round = 0; round < 300; round++) {
      const text = random.string(['a', 'é', '\n', ';', '😀', ' ', 'ß'], 60);
      const at = locator(text);
      const bytes = Buffer.from(text, 'utf8');
      // Character boundaries, in order, as statements come.
      const offsets: number[] = [];
      for (let byte = 0, char = 0; char <= text.length; char++) {
        if (random.int(3) === 0) offsets.push(byte);
        const code = text.charCodeAt(char);
        byte += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? (char++, 4) : 3;
      }
      for (const byte of offsets.filter((b) => b <= bytes.length)) {
        const char = at.toChar(byte);
        expect(char).toBe(naive.toChar(text, byte));
        expect(at.lineColumn(char)).toEqual(naive.lineColumn(text, char));
      }
    }
  });

  it('steps over each character a bounded number of times for statements in order', () => {
    for (const piece of ['CREATE TABLE t (id int);\n', "INSERT INTO t VALUES ('é');\n", 'SELECT 1; ']) {
      const text = piece.repeat(20_000);
      const at = locator(text);
      const bytes = Buffer.from(piece).length;
      for (let i = 0; i < 20_000; i++) at.lineColumn(at.toChar(i * bytes) + 1);
      expect(at.steps).toBeGreaterThan(0);
      expect(at.steps).toBeLessThanOrEqual(2 * text.length);
    }
  });

  it('codeFrame shows the line at an offset, given or computed', () => {
    const text = '\nSELECT 1;\nSELEC 2;\n';
    expect(codeFrame('x.sql', text, 11)).toBe('x.sql:3:1\n  3 | SELEC 2;\n    | ^');
    expect(codeFrame('x.sql', text, 0)).toBe('x.sql:1:1\n  1 | \n    | ^');
    expect(codeFrame('x.sql', text, 11, lineColumn(text, 11))).toBe(codeFrame('x.sql', text, 11));
  });
});

describe('redact', () => {
  it('hides what the regular expressions hid, on random texts', () => {
    const random = seeded(16);
    const pieces = ['a', 'b', ':', '/', '@', '"', "'", '(', ' ', '\n', 'pg://', 'x:y@', 'postgres://u:p@h', '9'];
    for (let round = 0; round < 5000; round++) {
      const text = random.string(pieces, 14);
      expect(redact(text), JSON.stringify(text)).toBe(naive.redact(text));
    }
    expect(redact('cannot connect to postgres://app:hunter2@db:5432/app: ECONNREFUSED')).toBe('cannot connect to postgres://app:***@db:5432/app: ECONNREFUSED');
  });

  it('does work linear in the text, on the inputs that made it quadratic', () => {
    const makers = [
      (n: number) => `'${'x'.repeat(n)}'`, // a long literal in a code frame
      (n: number) => 'a:'.repeat(n / 2), (n: number) => 'a:b('.repeat(n / 4), (n: number) => 'x://'.repeat(n / 4),
      (n: number) => '(a:'.repeat(n / 3), (n: number) => `${'u:p'.repeat(n / 3)}@`, (n: number) => '"a:b'.repeat(n / 4),
      (n: number) => `pg://u:${'p@'.repeat(n / 2)}`,
    ];
    for (const make of makers) {
      expect(redact(make(3000))).toBe(naive.redact(make(3000)));
      const text = make(140_000);
      const work = { steps: 0 };
      redact(text, work);
      expect(work.steps, text.slice(0, 12)).toBeGreaterThan(0);
      expect(work.steps, text.slice(0, 12)).toBeLessThanOrEqual(8 * text.length);
    }
  });
});
