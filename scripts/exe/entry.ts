/**
 * The single executable's entry (scripts/build-exe.mjs): the CLI's own
 * `run()`, in a CommonJS bundle that Node's single-executable-application
 * support starts. Everything else — the parser's WASM included — is inside.
 */
import { run } from '../../src/cli/bin.js';

run().then((code) => {
  process.exitCode = code;
});
