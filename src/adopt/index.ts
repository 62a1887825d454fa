/** `cutover adopt`: take over another tool's migration history, or baseline a database (docs/adopt.md). */
export { adopt, type AdoptOptions } from './api.js';
export { adoptHistory, type AdoptHistoryOptions, type AdoptSource } from './adopt.js';
export { matchHistory, pendingFiles, NO_FILE_CHECKSUM, type MatchInput } from './match.js';
export { baselineEntries } from './baseline.js';
export { compareWithLedger, type LedgerDifference, type LedgerVerdict } from './ledger-diff.js';
export { sqlxChecksum, flywayChecksum, prismaChecksum, checksumMatches } from './checksums.js';
export { HISTORY_READERS } from './history/index.js';
export { SOURCE_TOOLS } from './types.js';
export type { SourceTool, AdoptReport, AdoptedEntry, AdoptionPlan, HistoryRow, ToolHistory, ToolChecksum, PendingFile, EditedFile, RowWithoutFile } from './types.js';
