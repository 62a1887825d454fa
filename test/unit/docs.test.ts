import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { DIRECTIVES } from '../../src/migrations/directives.js';
import { SETTINGS } from '../../src/config/settings.js';

const doc = (name: string) => readFile(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('docs cover the contracts', () => {
  it('every error code has a row in docs/errors.md, and every row a code', async () => {
    const text = await doc('errors.md');
    const documented = new Set([...text.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('every directive is in docs/migration-files.md', async () => {
    const text = await doc('migration-files.md');
    for (const directive of DIRECTIVES) expect(text).toContain(`cutover:${directive}`);
  });

  it('every setting, flag and environment variable is in docs/configuration.md', async () => {
    const text = await doc('configuration.md');
    for (const [key, setting] of Object.entries(SETTINGS)) {
      expect(text).toContain(key);
      if ('flag' in setting) expect(text).toContain(setting.flag);
      if ('env' in setting) expect(text).toContain(setting.env);
    }
  });
});
