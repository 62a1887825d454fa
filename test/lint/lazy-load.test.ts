/**
 * A no-op `migrate` must not load the parser or the linter: neither the
 * library nor the CLI may reach the lint engine, a rule, or libpg-query
 * through static imports — only through the dynamic imports taken when
 * there is something pending to lint. And a command that never connects
 * (an offline `lint`, `--version`) must not load node-postgres (~50 ms).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** What `entry` loads through static imports alone: its source files and the packages it imports. */
async function staticGraph(entry: string): Promise<{ inputs: string[]; externals: string[] }> {
  const result = await build({
    entryPoints: [entry], bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
    packages: 'external', write: false, outdir: 'out', metafile: true, logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((o) => outputs[o]!.entryPoint === entry)!;
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const imp of outputs[out]!.imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(entryOut);
  return {
    inputs: [...seen].flatMap((out) => Object.keys(outputs[out]!.inputs)),
    externals: [...seen].flatMap((out) => outputs[out]!.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path)),
  };
}

describe('the linter and the parser load lazily', () => {
  it.each(['src/index.ts', 'src/cli/bin.ts'])('%s reaches no rule, engine or parser statically', async (entry) => {
    const { inputs, externals } = await staticGraph(entry);
    expect(inputs.filter((input) => /src\/lint\/(engine|registry|rules\/)/.test(input))).toEqual([]);
    expect(externals).not.toContain('libpg-query');
  });

  it.each(['src/cli/main.ts', 'src/cli/commands/lint.ts'])('%s does not load node-postgres statically (it connects only with --url)', async (entry) => {
    // node-postgres is loaded by src/db/pg-module.ts (a require, which esbuild does not follow).
    const loadsPg = (graph: { inputs: string[]; externals: string[] }) => graph.externals.includes('pg') || graph.inputs.includes('src/db/pg-module.ts');
    expect(loadsPg(await staticGraph(entry))).toBe(false);
    // The check can fail: the command that connects does load it.
    expect(loadsPg(await staticGraph('src/cli/commands/status.ts'))).toBe(true);
  });
});

describe('what a command loads', () => {
  it.each(['src/cli/commands/migrate.ts', 'src/cli/commands/status.ts'])('%s reaches neither the fleet runner nor the backup code statically', async (entry) => {
    const { inputs } = await staticGraph(entry);
    expect(inputs.filter((input) => /src\/fleet\/run-fleet|src\/cli\/commands\/fleet-run|src\/backup\/(backup|restore|rehearse|copy)\.ts/.test(input))).toEqual([]);
    // The check can fail: the backup command does load them.
    expect((await staticGraph('src/cli/commands/backup.ts')).inputs).toContain('src/backup/backup.ts');
  });
});

describe('what importing the package costs an app', () => {
  // Run in a fresh Node.js: the package's own entry point, as `import 'cutover'` resolves it; then
  // the first use of node-postgres (a pool made, not connected).
  function afterImport(): { before: string; after: string; loaded: string[]; pgOnImport: boolean; pg: boolean } {
    const entry = pathToFileURL(join(process.cwd(), JSON.parse(readFileSync('package.json', 'utf8')).exports['.'].default)).href;
    const script = `const before = typeof globalThis.navigator; const cutover = await import(${JSON.stringify(entry)});
      const { cache } = (await import('node:module')).createRequire(import.meta.url);
      const hasPg = () => Object.keys(cache).some((f) => /node_modules.pg.lib.client\\.js$/.test(f));
      const pgOnImport = hasPg();
      cutover.schemaPool({ url: 'postgres://nobody@127.0.0.1:1/none' });
      console.log(JSON.stringify({ before, after: typeof globalThis.navigator, loaded: process.moduleLoadList, pgOnImport, pg: hasPg() }));`;
    const { NODE_OPTIONS: _options, ...env } = process.env;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env }));
  }

  it('loads node-postgres on first use, not on import', () => {
    const { pgOnImport, pg } = afterImport();
    expect(pgOnImport).toBe(false);
    expect(pg).toBe(true); // the check can fail: a pool does load it
  });

  it('loads node-postgres without Node.js fetch (undici), and leaves no global behind', () => {
    const { before, after, loaded, pg } = afterImport();
    expect(pg).toBe(true); // pg is loaded ...
    expect(loaded.filter((m) => /undici/.test(m))).toEqual([]); // ... without its Cloudflare probe building a Response
    expect(after).toBe(before);
  });

  it('loads no built-in module that only backups, adopt, sqlx or the CLI need', () => {
    const { loaded } = afterImport();
    expect(loaded.filter((m) => /^NativeModule (child_process|zlib|v8|readline)$/.test(m))).toEqual([]);
  });
});
