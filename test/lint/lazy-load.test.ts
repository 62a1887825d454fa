/**
 * A no-op `migrate` must not load the parser or the linter: neither the
 * library nor the CLI may reach the lint engine, a rule, or libpg-query
 * through static imports — only through the dynamic imports taken when
 * there is something pending to lint. And a command that never connects
 * (an offline `lint`, `--version`) must not load node-postgres (~50 ms).
 */
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
    expect((await staticGraph(entry)).externals).not.toContain('pg');
    // The check can fail: the command that connects does load it.
    expect((await staticGraph('src/cli/commands/status.ts')).externals).toContain('pg');
  });
});
