/**
 * Names longer than Postgres keeps (issue 16.6): the lock key is computed on
 * the name Postgres stores, and such names are refused before anything
 * connects, in the settings and in the library alike.
 */
import { describe, expect, it } from 'vitest';
import { lockKey } from '../../src/db/advisory-lock.js';
import { pgConnector } from '../../src/db/pg.js';
import { longNameProblem, storedName } from '../../src/db/sql.js';
import { resolveSettings } from '../../src/config/settings.js';

const shared = 't'.repeat(63);

describe('names over 63 bytes', () => {
  it('are stored cut to 63 bytes, never inside a character', () => {
    expect(storedName(`${shared}_a`)).toBe(shared);
    expect(storedName('public')).toBe('public');
    const accented = `${'é'.repeat(31)}x`; // 63 bytes exactly
    expect(storedName(accented)).toBe(accented);
    expect(storedName(`${'é'.repeat(32)}`)).toBe('é'.repeat(31)); // 64 bytes: the last é does not fit
  });

  it('share one lock key when Postgres would make them one schema', () => {
    expect(lockKey(`${shared}_a`)).toBe(lockKey(`${shared}_b`));
    expect(lockKey(`${shared}_a`)).toBe(lockKey(shared));
    expect(lockKey('tenant_a')).not.toBe(lockKey('tenant_b'));
  });

  it('are refused by the settings (exit 2, naming the setting) and by the library before connecting', () => {
    expect(longNameProblem(shared)).toBeUndefined();
    expect(longNameProblem(`${shared}x`)).toBe('64 bytes long: Postgres keeps 63');
    for (const source of [{ flags: { schema: `${shared}_a` }, env: {} }, { flags: {}, env: { DB_SCHEMA: `${'ü'.repeat(32)}` } }]) {
      let error: any;
      try {
        resolveSettings(source);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'CONFIG', details: { setting: 'schema' } });
      expect(error.message).toContain('Postgres keeps 63');
      expect(error.hint).toContain('63 bytes');
    }
    expect(() => pgConnector({ url: 'postgres://127.0.0.1:1/none', schema: `${shared}_a`, applicationName: 'test' })).toThrow(/Postgres keeps 63/);
  });
});
