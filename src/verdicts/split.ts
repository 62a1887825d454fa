/**
 * Statements of many files, from their verdicts where the store has them and
 * from the parser for the rest (which fills the store). The parser is opened
 * only when some file has no verdict: with a verdict for every file,
 * libpg-query is never loaded.
 */
import type { MigrationScript } from '../migrations/types.js';
import type { Parser } from '../sql/parse-host.js';
import { splitChunks } from '../sql/split-many.js';
import { splitStatements, type Statement } from '../sql/statements.js';
import type { VerdictStore } from './store.js';

type Script = Pick<MigrationScript, 'file' | 'sql'>;

/** One file's statements, or why it has none: the error of parsing it alone (SYNTAX_ERROR at file:line:column). */
export type FileSplit<S> = { script: S; statements: Statement[] } | { script: S; error: unknown };

/** Options of {@link splitWithVerdicts}. */
export interface SplitWithVerdictsOptions {
  /** Statements with their parse trees (the linter), not only what running them needs. */
  tree: boolean;
  /** Verdicts to use and fill; without, every file is parsed. */
  verdicts?: VerdictStore | undefined;
  /** An open parser for the files without a verdict (else one is opened for them, and closed). */
  parser?: Parser | undefined;
}

/**
 * How many of `scripts` have no verdict in `verdicts`: the texts a parser would be opened for.
 *
 * @example
 * const parser = toParse(scripts, store) > 0 ? openParser() : undefined;
 */
export function toParse(scripts: readonly Script[], verdicts: VerdictStore | undefined): number {
  return verdicts ? scripts.filter((script) => !verdicts.has(script.sql)).length : scripts.length;
}

/** A file parsed alone (a chunk that did not parse joined): its statements, into the store. */
async function alone<S extends Script>(script: S, options: SplitWithVerdictsOptions): Promise<FileSplit<S>> {
  try {
    const statements = await splitStatements(script);
    options.verdicts?.put(script.sql, statements, true);
    return { script, statements };
  } catch (error) {
    return { script, error };
  }
}

/**
 * Each script's statements, in order: from its verdict, or parsed (16 files
 * per parser call, ahead of the consumer) and kept as its verdict.
 *
 * @example
 * for await (const one of splitWithVerdicts(scripts, { tree: false, verdicts })) if ('error' in one) throw one.error;
 */
export async function* splitWithVerdicts<S extends Script>(scripts: readonly S[], options: SplitWithVerdictsOptions): AsyncGenerator<FileSplit<S>> {
  const { verdicts, tree } = options;
  // Verdicts read first: a file whose verdict cannot be used (damaged, foreign, without the trees
  // asked for) is parsed with the others in chunks, not alone, and its verdict rewritten.
  const cached = new Map<S, Statement[]>();
  if (verdicts) {
    for (const script of scripts) {
      const statements = verdicts.get(script.sql, tree);
      if (statements) cached.set(script, statements);
    }
  }
  const missing = scripts.filter((script) => !cached.has(script));
  const parsed = missing.length > 0 ? splitChunks(missing, { tree, ...(options.parser ? { parser: options.parser } : {}) }) : undefined;
  const ready: FileSplit<S>[] = [];
  const nextParsed = async (): Promise<FileSplit<S>> => {
    while (ready.length === 0) {
      const { value, done } = await parsed!.next();
      if (done) throw new Error('the parser answered for fewer files than it was sent');
      for (const [i, script] of value.scripts.entries()) {
        const statements = value.statements?.[i];
        if (!statements) ready.push(await alone(script, options));
        else {
          verdicts?.put(script.sql, statements, tree);
          ready.push({ script, statements });
        }
      }
    }
    return ready.shift()!;
  };
  try {
    for (const script of scripts) {
      const statements = cached.get(script);
      yield statements ? { script, statements } : await nextParsed();
    }
  } finally {
    await parsed?.return(undefined);
  }
}
