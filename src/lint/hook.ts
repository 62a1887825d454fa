/**
 * The linter as `plan` and `migrate` use it: on the pending steps only,
 * under the migration lock, with the live catalog of the connection they
 * already hold — the gate (docs/lint.md "The gate"). The pending files are
 * linted as one run: a table created by an earlier pending file, or absent
 * from the catalog, is new and draws no lock finding, so a fresh install of
 * a long history is never stopped by them. Light on purpose: the engine is
 * imported only when there is something pending, so a no-op `migrate` never
 * loads the parser or the rules.
 */
import type { Connection } from '../db/session.js';
import { versionOrder } from '../migrations/formats/index.js';
import type { Step } from '../plan/types.js';
import type { Linter, LintOptions, LintReport } from './engine.js';

/** What the gate does with error findings: `error` stops the run (exit 3), `warn` reports them, `off` does not lint. */
export type LintGate = 'error' | 'warn' | 'off';

/** The hook `runMigrations` calls (RunOptions.lint). */
export interface LintHook {
  run(steps: readonly Step[], connection: Connection, schema: string): Promise<LintReport>;
  /**
   * A linter to feed the pending files as the run parses them, so each file is parsed once
   * for both (the steps' scripts, in order); `run` parses them again itself.
   */
  start?(connection: Connection, schema: string, steps: readonly Step[]): Promise<Linter>;
  /** `migrate --lint=error`: refuse to run when an error-level finding remains. */
  refuseOnError: boolean;
}

/** Options of {@link lintHook}: the engine's, and the baseline. */
export interface LintHookOptions extends Omit<LintOptions, 'catalog' | 'pending' | 'lintFile'> {
  /** `lint.since`: files of this version or older are not judged (strong_migrations' start_after). */
  since?: string;
}

/** The files the gate judges: every step's, or those newer than `since`. */
function judged(steps: readonly Step[], since: string | undefined): ((file: string) => boolean) | undefined {
  if (since === undefined || steps.length === 0) return undefined;
  const order = versionOrder(steps[0]!.migration.format);
  const baseline = order.canonical(since);
  const files = new Set(steps.filter((s) => order.compare(s.migration.version, baseline) > 0).map((s) => scriptOf(s).file));
  return (file) => files.has(file);
}

const scriptOf = (step: Step) => (step.direction === 'down' ? step.migration.down! : step.migration);

/**
 * Make the hook.
 *
 * @example
 * await migrate({ url, lint: lintHook({ rules: { 'prefer-text': 'off' } }, true) });
 */
export function lintHook(options: LintHookOptions = {}, refuseOnError = false): LintHook {
  const { since, ...engine } = options;
  const optionsFor = (steps: readonly Step[]): Omit<LintOptions, 'catalog'> => {
    const lintFile = judged(steps, since);
    return { ...engine, pending: true, ...(lintFile ? { lintFile } : {}) };
  };
  return {
    refuseOnError,
    async run(steps, connection, schema) {
      const [{ lintScripts }, { loadCatalog }] = await Promise.all([import('./engine.js'), import('./live-catalog.js')]);
      const catalog = await loadCatalog(connection, schema);
      return lintScripts(steps.map(scriptOf), { ...optionsFor(steps), catalog });
    },
    async start(connection, schema, steps) {
      const [{ createLinter }, { loadCatalog }] = await Promise.all([import('./engine.js'), import('./live-catalog.js')]);
      return createLinter({ ...optionsFor(steps), catalog: await loadCatalog(connection, schema) });
    },
  };
}
