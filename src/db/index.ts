/** Database edge: sessions, the ledger, the advisory lock, node-postgres. */
export type { Session, Connection, Connector, QueryResultLike } from './session.js';
export { ident, literal } from './sql.js';
export { readLedger, createLedger, recordSql, forgetSql, auditSql, ledgerTables, SQLSTATE, type LedgerEntry } from './ledger.js';
export { acquireLock, releaseLock, lockKey, lockHolders, describeHolders, type LockHolder } from './advisory-lock.js';
export { pgConnector, schemaPool, describeUrl, redact, connectionError, type PoolLike } from './pg.js';
