/**
 * The migration linter's public surface: statement facts (locks, rewrites,
 * scans) verified on a real server, rules (one per file in rules/), the
 * engine, renderers. Light on purpose: importing it loads no rule and no
 * parser — `lintScripts` / `lintMigrations` load the engine on first call,
 * so a command that imports this and has nothing to lint (a no-op
 * `migrate`) never pays for the linter. Rules, renderers and facts are
 * imported from their own modules.
 */
import type { LintOptions, LintReport, LintScript } from './engine.js';
import type { LintFilesOptions } from './lint-files.js';

export type { LintOptions, LintReport, LintScript, LintedStatement, SuppressedFinding } from './engine.js';
export type { LintFilesOptions } from './lint-files.js';
export type { Finding, Rule, RuleContext, Severity } from './types.js';
export { lintHook, type LintHook, type LintGate, type LintHookOptions } from './hook.js';
export { loadCatalog } from './live-catalog.js';

/**
 * Lint scripts in memory (see engine.ts).
 *
 * @example
 * const report = await lintScripts([{ file: '1_x.sql', sql, phase: 'pre', transaction: true, lintIgnore: [] }]);
 */
export async function lintScripts(scripts: readonly LintScript[], options?: LintOptions): Promise<LintReport> {
  return (await import('./engine.js')).lintScripts(scripts, options);
}

/**
 * Lint a migrations directory or files (see lint-files.ts).
 *
 * @example
 * const report = await lintMigrations({ dir: 'migrations' });
 */
export async function lintMigrations(options: LintFilesOptions): Promise<LintReport> {
  return (await import('./lint-files.js')).lintMigrations(options);
}
