import { describe, expect, it } from 'vitest';
import { resolveSettings, parseConfigFile } from '../../src/config/settings.js';
import { CutoverError } from '../../src/errors.js';
import { parseDuration } from '../../src/duration.js';
import { suggest } from '../../src/suggest.js';

describe('resolveSettings', () => {
  it('takes flags over env over file over defaults, and says where each came from', () => {
    const settings = resolveSettings({
      flags: { schema: 'from_flag' },
      env: { DB_SCHEMA: 'from_env', CUTOVER_DIR: 'env_dir', DATABASE_URL: 'postgres://u:secret@h:5/db' },
      file: { path: 'cutover.config.json', values: { schema: 'from_file', dir: 'file_dir', lockTimeout: '2s' } },
    });
    expect(settings).toMatchObject({ schema: 'from_flag', dir: 'env_dir', lockTimeoutMs: 2000, lockRetries: 40, strict: false });
    expect(settings.origins.schema).toEqual({ origin: 'flag', source: '--schema', shown: 'from_flag' });
    expect(settings.origins.lockTimeout.origin).toBe('file');
    expect(settings.origins.lockRetries.origin).toBe('default');
    expect(settings.origins.url.shown).toBe('postgres://u@h:5/db');
  });

  it('collects every problem, with "did you mean" for unknown keys', () => {
    let error: CutoverError | undefined;
    try {
      resolveSettings({ flags: { lockTimeout: 'soon' }, env: { DATABASE_URL: 'mysql://x' }, file: { path: 'c.json', values: { shema: 'x' } } });
    } catch (e) {
      error = e as CutoverError;
    }
    const codes = (error as CutoverError & { errors: CutoverError[] }).errors.map((e) => e.code).sort();
    expect(codes).toEqual(['CONFIG', 'CONFIG', 'INVALID_URL']);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toContain('Did you mean "schema"?');
  });

  it('rejects a config file that is not a JSON object, naming it', () => {
    expect(() => parseConfigFile('c.json', '{ oops')).toThrow(/c.json: not valid JSON/);
    expect(() => parseConfigFile('c.json', '[1]')).toThrow(/must hold a JSON object/);
  });
});

describe('small parsers', () => {
  it('parses durations in Postgres units', () => {
    expect([parseDuration('500ms'), parseDuration('10s'), parseDuration('5min'), parseDuration('1h'), parseDuration('250'), parseDuration('x')]).toEqual([500, 10_000, 300_000, 3_600_000, 250, undefined]);
  });
  it('suggests near words only', () => {
    expect(suggest('phse', ['phase', 'to'])).toBe('phase');
    expect(suggest('zzzzzz', ['phase', 'to'])).toBeUndefined();
  });
});
