/** Database edge: sessions, the ledger, the advisory lock, node-postgres. */
export type { Session, Connection, Connector, QueryResultLike } from './session.js';
export { ident, literal } from './sql.js';
export { readLedger, createLedger, recordSql, forgetSql, auditSql, ensureAuditTable, ledgerTables, ledgerFor, checkOtherLedger, toLedgerRows, filePhases, LEDGER_KINDS, SQLSTATE, type LedgerEntry, type Ledger, type LedgerKind, type RawLedgerRow, type ReadLedgerOptions } from './ledger.js';
export { sqlxLedger, SQLX_TABLE } from './sqlx-ledger.js';
export { acquireLock, releaseLock, lockKey, lockHolders, describeHolders, sqlxLockKey, acquireSqlxLock, releaseSqlxLock, acquireMigrationLocks, type LockHolder, type MigrationLocks } from './advisory-lock.js';
export { pgConnector, connectionError, type PoolLike } from './pg.js';
export { describeUrl, redact } from './url.js';
