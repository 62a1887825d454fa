/**
 * The linter as `plan` and `migrate` use it: on the pending steps only,
 * under the migration lock, with the live catalog of the connection they
 * already hold. Light on purpose: the engine is imported only when there is
 * something pending, so a no-op `migrate` never loads the parser or the rules.
 */
import type { Connection } from '../db/session.js';
import type { Step } from '../plan/types.js';
import type { Linter, LintOptions, LintReport } from './engine.js';

/** The hook `runMigrations` calls (RunOptions.lint). */
export interface LintHook {
  run(steps: readonly Step[], connection: Connection, schema: string): Promise<LintReport>;
  /**
   * A linter to feed the pending files as the run parses them, so each file is parsed once
   * for both (the steps' scripts, in order); `run` parses them again itself.
   */
  start?(connection: Connection, schema: string): Promise<Linter>;
  /** `migrate --lint=error`: refuse to run when an error-level finding remains. */
  refuseOnError: boolean;
}

/**
 * Make the hook.
 *
 * @example
 * await migrate({ url, lint: lintHook({ rules: { 'prefer-text': 'off' } }, true) });
 */
export function lintHook(options: Omit<LintOptions, 'catalog'> = {}, refuseOnError = false): LintHook {
  return {
    refuseOnError,
    async run(steps, connection, schema) {
      const [{ lintScripts }, { loadCatalog }] = await Promise.all([import('./engine.js'), import('./live-catalog.js')]);
      const catalog = await loadCatalog(connection, schema);
      return lintScripts(steps.map((step) => (step.direction === 'down' ? step.migration.down! : step.migration)), { ...options, catalog });
    },
    async start(connection, schema) {
      const [{ createLinter }, { loadCatalog }] = await Promise.all([import('./engine.js'), import('./live-catalog.js')]);
      return createLinter({ ...options, catalog: await loadCatalog(connection, schema) });
    },
  };
}
