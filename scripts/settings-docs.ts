/**
 * Write what the settings table derives into the docs: the table in docs/configuration.md
 * (between its `settings:start` / `settings:end` markers) and docs/config.schema.json.
 * Usage: npx tsx scripts/settings-docs.ts [--write]   (without --write: exit 1 when stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configDocs } from '../src/config/settings-docs.js';

const write = process.argv.includes('--write');
let stale = false;
for (const [path, render] of Object.entries(configDocs())) {
  const full = new URL(`../${path}`, import.meta.url);
  const before = readFileSync(full, 'utf8');
  const after = render(before);
  if (after === before) continue;
  stale = true;
  if (write) writeFileSync(full, after);
  console.log(`${write ? 'wrote' : 'stale:'} ${path}`);
}
if (stale && !write) process.exitCode = 1;
