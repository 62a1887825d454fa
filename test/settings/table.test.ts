/**
 * The settings table is the one definition (issue 17 item 1): `--help`, the docs table and
 * the config file's JSON Schema are derived from it and fail here when stale; the config
 * file takes `"$schema"`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS, type Setting } from '../../src/config/settings.js';
import { configDocs, configJsonSchema } from '../../src/config/settings-docs.js';
import { cli, migrationsDir } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');

describe('derived from the table', () => {
  it.each(Object.keys(configDocs()))('%s is current (else: npx tsx scripts/settings-docs.ts --write)', async (path) => {
    const text = await readFile(join(ROOT, path), 'utf8');
    expect(text).toBe(configDocs()[path]!(text));
  });

  it('--help shows every global setting with its environment variable and default', async () => {
    const help = (await cli(['--help'])).stdout.replace(/\s+/g, ' '); // commander wraps lines
    for (const setting of Object.values(SETTINGS) as Setting[]) {
      if (setting.commands !== 'all') continue;
      expect(help).toContain(`${setting.flag} ${setting.value ?? ''}`.trim());
      if (setting.env) expect(help).toContain(`env ${setting.env}`);
    }
    expect(help).toContain('default 500ms');
  });

  it('a command takes the flags the table gives it', async () => {
    const lint = (await cli(['lint', '--help'])).stdout;
    for (const flag of ['--lint-rules <list>', '--pg-version <major>', '--lint-small-table <rows>']) expect(lint).toContain(flag);
    expect((await cli(['status', '--help'])).stdout).toContain('--post-pending-warn <duration>');
  });

  it('the config file takes "$schema", and the schema describes every key', async () => {
    const dir = await migrationsDir({});
    await writeFile(join(dir, 'cutover.config.json'), JSON.stringify({ $schema: './node_modules/cutover/docs/config.schema.json', schema: 'app', lockTimeout: '2s' }));
    const result = await cli(['config', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).settings.lockTimeout).toMatchObject({ origin: 'file', shown: '2000ms' });
    expect(Object.keys(configJsonSchema().properties).sort()).toEqual(['$schema', ...Object.keys(SETTINGS)].sort());
    expect(configJsonSchema().properties.lockTimeout).toMatchObject({ type: 'string', default: '500ms' });
  });
});
