/**
 * The health report, pure: from the schema's state (what this code needs
 * compared with the ledger) and the registry to `{ status, appVersion,
 * schema, instances }` and an HTTP status — 200 when ready, 503 when the
 * schema lacks a pre migration this code needs, a migration failed, or the
 * database could not be read. Deploy scripts wait for `appVersion`.
 */
import { isLive, type InstanceRecord } from '../deploy/guard.js';
import type { SchemaState } from '../deploy/schema-state.js';
import type { PostLeftPending } from '../deploy/post-pending.js';

/** The JSON body of the health endpoint. */
export interface HealthBody {
  status: 'ok' | 'unavailable';
  appVersion: string | null;
  schema: {
    name: string;
    /** Highest applied version. */
    version: string | null;
    pendingPre: number;
    pendingPost: number;
    /** Applied versions this code does not know. */
    ahead: string[];
    failed: string[];
    /** Pre migrations this code needs that are not applied. */
    missing: string[];
  } | null;
  instances: { id: string; host: string; appVersion: string; knownVersion: string; lastSeen: string }[];
  /** Why it is unavailable, in one sentence. */
  reason?: string;
  /** Post migrations pending longer than the warning threshold (the status stays ok). */
  postPending?: { version: string; since: string; pendingMs: number; message: string }[];
}

/** Status code and body. */
export interface HealthResult {
  statusCode: 200 | 503;
  body: HealthBody;
}

/**
 * Build the health result.
 *
 * @example
 * const { statusCode, body } = healthResult({ schema: 'public', appVersion: '2.0.0', state, instances, now });
 */
export function healthResult(input: {
  schema: string;
  appVersion: string | null;
  state?: SchemaState;
  instances?: readonly InstanceRecord[];
  now?: Date;
  /** Why the check failed: a code only (an error message can name the user and host). */
  error?: string;
  postPending?: readonly PostLeftPending[];
}): HealthResult {
  const now = input.now ?? new Date(0);
  const instances = (input.instances ?? []).filter((i) => isLive(i, now)).map((i) => ({
    id: i.id, host: i.host, appVersion: i.appVersion, knownVersion: i.knownVersion, lastSeen: i.lastSeen.toISOString(),
  }));
  const s = input.state;
  const schema = s ? {
    name: input.schema, version: s.version, pendingPre: s.pendingPre.length, pendingPost: s.pendingPost.length, ahead: s.ahead, failed: s.failed, missing: s.missing,
  } : null;
  const reason = input.error !== undefined
    ? `cannot check the schema (${input.error}); the server's log has the details`
    : !s ? 'no schema state'
      : s.failed.length ? `failed migration${s.failed.length > 1 ? 's' : ''} ${s.failed.join(', ')}: see \`cutover status\``
        : s.missing.length ? `schema "${input.schema}" lacks ${s.missing.join(', ')}, which this code needs` : undefined;
  const postPending = (input.postPending ?? []).map((p) => ({ version: p.version, since: p.since.toISOString(), pendingMs: p.pendingMs, message: p.message }));
  const body: HealthBody = {
    status: reason ? 'unavailable' : 'ok', appVersion: input.appVersion, schema, instances, ...(reason ? { reason } : {}), ...(postPending.length ? { postPending } : {}),
  };
  return { statusCode: reason ? 503 : 200, body };
}
