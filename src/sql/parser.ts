/**
 * The real Postgres parser (libpg-query, compiled to WASM). It is loaded
 * lazily and once: a no-op boot, with nothing pending, never pays for it.
 */
import type { ParseResult } from 'libpg-query';

type ParseSync = (sql: string) => ParseResult;
let loading: Promise<ParseSync> | undefined;

/**
 * The synchronous parse function, after loading the WASM module once.
 *
 * @example
 * const parse = await loadParser();
 * parse('SELECT 1').stmts.length; // 1
 */
export function loadParser(): Promise<ParseSync> {
  loading ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    return module.parseSync;
  });
  return loading;
}
