/** Migration files: names, directives, checksums, directory and bundle sources. */
export type { Migration, MigrationScript, MigrationSource, Directives, Phase } from './types.js';
export { loadMigrations, readScript } from './load.js';
export { directorySource } from './directory.js';
export { bundleSource, renderBundle, type BundledFile } from './bundle.js';
export { checksum, checksumMatches, normalizeText, scriptChecksums } from './checksum.js';
export { parseFileName, timestampVersion } from './file-name.js';
export { parseDirectives, DIRECTIVES } from './directives.js';
