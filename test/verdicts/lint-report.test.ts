/**
 * Offline lint from the verdict cache: a kept report is used only for the
 * same files, texts, rule config and target major; otherwise the files are
 * linted (from per-file verdicts) and the result is what a fresh run gives.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintMigrations } from '../../src/lint/lint-files.js';
import { directoryStore } from '../../src/verdicts/index.js';
import { migrationsDir } from '../support/cli.js';

const FILES = {
  '1_t.sql': 'CREATE TABLE t (id int, name varchar(20));\n',
  '2_i.sql': 'CREATE INDEX t_name ON t (name);\n',
  '3_c.sql': 'ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();\n',
};

describe('an offline lint report from the cache', () => {
  it('is what a fresh lint gives, for each rule config, and follows an edited file', async () => {
    const dir = await migrationsDir(FILES);
    const cache = mkdtempSync(join(tmpdir(), 'cutover-cache-'));
    const lint = (options: { rules?: Record<string, 'off' | 'error'>; pgVersion?: number; cached: boolean }) =>
      lintMigrations({ dir, ...(options.rules ? { rules: options.rules } : {}), ...(options.pgVersion ? { pgVersion: options.pgVersion } : {}), ...(options.cached ? { verdicts: directoryStore(cache) } : {}) });
    const configs: { rules?: Record<string, 'off' | 'error'>; pgVersion?: number }[] = [{}, { rules: { 'require-concurrent-index-creation': 'off' } }, { pgVersion: 12 }, { rules: { 'prefer-text': 'error' } }];
    for (const config of configs) {
      const fresh = await lint({ ...config, cached: false });
      expect(await lint({ ...config, cached: true })).toEqual(fresh); // made and kept
      expect(await lint({ ...config, cached: true })).toEqual(fresh); // from the cache
    }
    expect(readdirSync(cache).filter((f) => f.startsWith('result-'))).toHaveLength(4);
    writeFileSync(join(dir, '2_i.sql'), 'CREATE INDEX CONCURRENTLY t_name ON t (name);\n');
    const fresh = await lint({ cached: false });
    expect(fresh.findings.map((f) => f.rule)).not.toContain('require-concurrent-index-creation');
    expect(await lint({ cached: true })).toEqual(fresh);
  });

  it('that is damaged or foreign is not used, and is rewritten', async () => {
    const dir = await migrationsDir(FILES);
    const cache = mkdtempSync(join(tmpdir(), 'cutover-cache-'));
    const fresh = await lintMigrations({ dir });
    await lintMigrations({ dir, verdicts: directoryStore(cache) });
    const [result] = readdirSync(cache).filter((f) => f.startsWith('result-'));
    const { key } = JSON.parse(readFileSync(join(cache, result!), 'utf8')) as { key: string };
    const notAReport = { ...fresh, findings: 'none', counts: { error: 'many' } };
    for (const damaged of ['{"key":', JSON.stringify({ key: 'other', value: { ...fresh, findings: [] } }), JSON.stringify({ hello: 1 }), JSON.stringify({ key, value: notAReport })]) {
      writeFileSync(join(cache, result!), damaged);
      expect(await lintMigrations({ dir, verdicts: directoryStore(cache) })).toEqual(fresh);
      expect(JSON.parse(readFileSync(join(cache, result!), 'utf8'))).toEqual({ key, value: JSON.parse(JSON.stringify(fresh)) }); // rewritten
    }
  });
});
