/**
 * Whether an error means the session is gone (the server restarted or shut
 * down, the backend was terminated, the socket broke) rather than anything
 * being wrong with the SQL. The one place that decides it, on SQLSTATE and
 * socket error codes, never on message text
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * - class 08, connection exception;
 * - 57P01 admin_shutdown (pg_terminate_backend, a fast or immediate
 *   shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now (the server
 *   is starting or stopping), 57P05 idle_session_timeout;
 * - Node's socket errors (ECONNRESET, EPIPE, …).
 * A client that saw its socket end says so itself (`ended`): node-postgres
 * reports that case with no code at all.
 */

/** SQLSTATEs of class 57 that end the session. */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03', '57P05']);

/** Node's errno codes for a broken or refused socket. */
const SOCKET_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN']);

/**
 * True when `error` says the connection to the server is lost.
 *
 * @example
 * isConnectionLost({ code: '57P01', severity: 'FATAL' }); // true: terminated by an administrator
 * isConnectionLost({ code: '23505' }); // false: a unique violation is the SQL's own
 */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code !== 'string') return false;
  return code.startsWith('08') || SESSION_ENDED.has(code) || SOCKET_ERRORS.has(code);
}
