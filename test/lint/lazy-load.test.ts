/**
 * A no-op `migrate` must not load the parser or the linter: neither the
 * library nor the CLI may reach the lint engine, a rule, or libpg-query
 * through static imports — only through the dynamic imports taken when
 * there is something pending to lint.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the linter and the parser load lazily', () => {
  it.each(['src/index.ts', 'src/cli/bin.ts'])('%s reaches no rule, engine or parser statically', async (entry) => {
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
    const staticInputs = [...seen].flatMap((out) => Object.keys(outputs[out]!.inputs));
    const staticExternals = [...seen].flatMap((out) => outputs[out]!.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path));
    expect(staticInputs.filter((input) => /src\/lint\/(engine|registry|rules\/)/.test(input))).toEqual([]);
    expect(staticExternals).not.toContain('libpg-query');
  });
});
