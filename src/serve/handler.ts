/**
 * The health endpoint as a plain node:http handler, `(req, res) => void`,
 * built from its dependencies (a session, the migration set, the app
 * version): mount it in Express (`app.get('/health', handler)`), Fastify
 * (`reply.raw`), Hono on node, or a bare `http.createServer`. `check()`
 * gives the same result as data, for frameworks that build responses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLedger, type LedgerKind } from '../db/ledger.js';
import { targetLedger } from '../target/schema.js';
import type { Session } from '../db/session.js';
import { readRegistry } from '../deploy/registry.js';
import { schemaState } from '../deploy/schema-state.js';
import { postLeftPending } from '../deploy/post-pending.js';
import { orderOf } from '../deploy/versions.js';
import { SETTINGS } from '../config/settings.js';
import type { Migration } from '../migrations/types.js';
import { healthResult, type HealthResult } from './health.js';

/** What the handler needs. */
export interface HealthDeps {
  /** Any session that can query: a pg.Pool fits. */
  session: Session;
  schema: string;
  /** The history table (default cutover's own; `sqlx`: docs/sqlx-ledger.md). */
  ledger?: LedgerKind;
  /** This code's migration set (what it needs); undefined: only `atLeast` is checked. */
  migrations?: readonly Migration[] | Promise<readonly Migration[]>;
  atLeast?: string;
  appVersion: string | null;
  /** Report post migrations pending longer than this (default: the postPendingWarn setting's, 24 h). */
  postPendingWarnMs?: number;
  /** Told the full error when a check fails (the body names only its code: no user, host or port to whoever can reach the port). */
  onError?: (error: unknown) => void;
}

/**
 * What a failed check says to the outside: a code, never the message (a
 * connection error names the user and host:port). `ECONNREFUSED`, a
 * SQLSTATE, or a cutover error code.
 *
 * @example
 * errorCode(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })); // 'ECONNREFUSED'
 */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : 'ERROR';
}

/** A node:http handler with `check()` for data. */
export interface HealthHandler {
  (request: IncomingMessage, response: ServerResponse): Promise<void>;
  check(): Promise<HealthResult>;
}

/**
 * Build the handler.
 *
 * @example
 * const health = createHealthHandler({ session: pool, schema: 'public', migrations, appVersion: '2.0.0' });
 * http.createServer((req, res) => (req.url === '/health' ? health(req, res) : app(req, res)));
 */
export function createHealthHandler(deps: HealthDeps): HealthHandler {
  async function check(): Promise<HealthResult> {
    try {
      const migrations = deps.migrations === undefined ? undefined : await deps.migrations;
      const ledger = (await readLedger(deps.session, deps.schema, { kind: targetLedger(deps), migrations })) ?? [];
      const { instances, now } = await readRegistry(deps.session, deps.schema);
      const state = schemaState(migrations, ledger, deps.atLeast);
      const pendingPost = (migrations ?? []).filter((m) => state.pendingPost.includes(m.version)).map((m) => ({ version: m.version, name: m.name, phase: 'post', state: 'pending' }));
      const postPending = postLeftPending([...ledger, ...pendingPost], now, deps.postPendingWarnMs ?? SETTINGS.postPendingWarn.default, orderOf(migrations));
      return healthResult({ schema: deps.schema, appVersion: deps.appVersion, state, instances, now, postPending });
    } catch (error) {
      deps.onError?.(error);
      return healthResult({ schema: deps.schema, appVersion: deps.appVersion, error: errorCode(error) });
    }
  }
  const handler = (async (request: IncomingMessage, response: ServerResponse) => {
    const { statusCode, body } = await check();
    response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
  }) as HealthHandler;
  handler.check = check;
  return handler;
}
